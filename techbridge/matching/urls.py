from django.urls import path, re_path

from techbridge.matching import api, views

app_name = "matching"

# Resource kinds as the catalogue spells them in URLs (plural), for /api/v1/{kind}/{id}/matches.
RESOURCE_PATHS = {
    "achievements": "achievement",
    "experts": "expert",
    "instruments": "instrument",
    "labs": "lab",
    "data": "data",
    "services": "service",
}

urlpatterns = [
    path("<str:kind>/<int:pk>/panel/", views.matches_panel, name="panel"),
]
api_urlpatterns = [
    path("match", api.MatchTextApi.as_view(), name="match"),
    re_path(r"^demands/(?P<pk>[0-9]+)/matches/?$", api.DemandMatchesApi.as_view(), name="demand"),
    *[
        re_path(
            rf"^{slug}/(?P<pk>[0-9]+)/matches/?$",
            api.ResourceMatchesApi.as_view(kind=kind),
            name=f"{kind}",
        )
        for slug, kind in RESOURCE_PATHS.items()
    ],
]

# Page names anyone may open (see core/public_urls.py) and this app's menu entries.
# Every one of them serves only records the caller may see (404 otherwise) and only
# published records as results.
public_url_names: frozenset[str] = frozenset(
    {
        "matching:panel",
        "matching-api:match",
        "matching-api:demand",
        *(f"matching-api:{kind}" for kind in RESOURCE_PATHS.values()),
    }
)
navigation: list = []
