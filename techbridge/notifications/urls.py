from django.urls import path  # noqa: F401

app_name = "notifications"

urlpatterns: list = []
api_urlpatterns: list = []

# Page names anyone may open (see core/public_urls.py) and this app's menu entries.
public_url_names: frozenset[str] = frozenset()
navigation: list = []
