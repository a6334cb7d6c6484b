from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.search import api, views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="results"),
]
api_urlpatterns = [
    path("search", api.SearchApi.as_view(), name="search"),
]

# Page names anyone may open (see core/public_urls.py) and this app's menu entries.
public_url_names: frozenset[str] = frozenset({"search:results", "search-api:search"})
navigation: list = [("search:results", _("Search"), None, 15)]
