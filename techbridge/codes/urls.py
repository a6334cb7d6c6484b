"""Code-list URLs. Only an API: mount ``api_urlpatterns`` under /api/v1/codes/."""

from django.urls import path

from techbridge.codes import api

api_urlpatterns = [
    path("regions/", api.RegionListView.as_view(), name="regions"),
    path("regions/<str:code>/", api.RegionDetailView.as_view(), name="region-detail"),
    path("industries/", api.IndustryListView.as_view(), name="industries"),
    path("countries/", api.CountryListView.as_view(), name="countries"),
    path("lists/<str:list_name>/", api.CodeListView.as_view(), name="list"),
]

# Reference data is public: anyone may read the code lists.
public_namespaces = frozenset({"codes-api"})
