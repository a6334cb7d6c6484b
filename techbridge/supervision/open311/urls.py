"""GeoReport v2 routes, each with a format suffix (.xml or .json). Mounted under
``open311/v2/`` in supervision.api_urlpatterns (so /api/v1/open311/v2/…)."""

from __future__ import annotations

from django.urls import URLPattern, path, register_converter

from techbridge.supervision.open311 import views


class FormatConverter:
    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "o311fmt")

urlpatterns: list[URLPattern] = [
    path("discovery.<o311fmt:format>", views.discovery, name="open311-discovery"),
    path("services.<o311fmt:format>", views.service_list, name="open311-services"),
    path(
        "services/<slug:service_code>.<o311fmt:format>",
        views.service_definition,
        name="open311-service",
    ),
    path("requests.<o311fmt:format>", views.requests, name="open311-requests"),
    path(
        "requests/<slug:service_request_id>.<o311fmt:format>",
        views.request_detail,
        name="open311-request",
    ),
    path("tokens/<slug:token_id>.<o311fmt:format>", views.token_detail, name="open311-token"),
]

#: Anyone may read these (GeoReport v2 service discovery and service list/definitions).
PUBLIC = frozenset({"open311-discovery", "open311-services", "open311-service"})
