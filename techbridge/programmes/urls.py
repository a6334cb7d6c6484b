from django.urls import URLPattern, path  # noqa: F401

app_name = "programmes"

urlpatterns: list[URLPattern] = []
api_urlpatterns: list[URLPattern] = []

public_url_names: frozenset[str] = frozenset()
navigation: list[tuple[str, object, frozenset[str], int]] = []
