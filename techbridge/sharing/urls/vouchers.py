"""Sharing — vouchers: pages and API paths (merged in urls/__init__.py)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
api_urlpatterns: list[URLPattern | URLResolver] = []
public_url_names: frozenset[str] = frozenset()
navigation: list = []
