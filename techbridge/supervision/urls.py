from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.supervision.open311 import urls as open311_urls
from techbridge.supervision.views import board, mobile, reports, settings

app_name = "supervision"

urlpatterns: list[URLPattern | URLResolver] = [
    path("problems/", reports.report_list, name="list"),
    path("problems/new/", reports.report_create, name="create"),
    path("p/<slug:number>/", reports.report_detail, name="detail"),
    path("p/<slug:number>/photos/<int:attachment_id>/", reports.photo_download, name="photo"),
    path("p/<slug:number>/<slug:action>/", reports.report_action, name="action"),
    path("board/", board.board, name="board"),
    path("overdue/", board.overdue, name="overdue"),
    path("figures/", board.figures, name="figures"),
    path("settings/clocks/", settings.policies, name="policies"),
    path(
        "settings/clocks/<slug:category>/<slug:urgency>/", settings.policy_edit, name="policy_edit"
    ),
    path("settings/routing/", settings.routing, name="routing"),
    path("settings/routing/<int:pk>/delete/", settings.routing_delete, name="routing_delete"),
    path("settings/departments/", settings.departments, name="departments"),
    path(
        "settings/departments/<int:organisation_id>/",
        settings.department_edit,
        name="department_edit",
    ),
    path("settings/links/", settings.links, name="links"),
    path("settings/links/<int:pk>/revoke/", settings.link_revoke, name="link_revoke"),
    path("settings/open311/", settings.clients, name="clients"),
    path("settings/open311/<int:pk>/revoke/", settings.client_revoke, name="client_revoke"),
    # The mobile page for personal-link holders (no login).
    path("m/", mobile.mobile_home, name="mobile"),
    path("m/new/", mobile.mobile_report, name="mobile_report"),
    path("m/r/<slug:number>/", mobile.mobile_detail, name="mobile_detail"),
    path("m/r/<slug:number>/<slug:action>/", mobile.mobile_action, name="mobile_action"),
    path("m/<slug:secret>/", mobile.mobile_enter, name="mobile_enter"),
]

# Open311 GeoReport v2 under /api/v1/open311/v2/ (see docs/open311.md).
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("open311/v2/", include(open311_urls.urlpatterns)),
]

# The mobile pages check the personal link themselves; Open311 discovery and services are
# public by the spec (requests need an api_key, checked by the views).
public_url_names: frozenset[str] = frozenset(
    {
        "supervision:mobile",
        "supervision:mobile_report",
        "supervision:mobile_detail",
        "supervision:mobile_action",
        "supervision:mobile_enter",
        *(f"supervision-api:{name}" for name in open311_urls.PUBLIC),
        # The same views if the root URLconf also mounts them at /open311/v2/ (namespace
        # "open311"): see docs/open311.md.
        *(f"open311:{name}" for name in open311_urls.PUBLIC),
    }
)
navigation: list = [
    (
        "supervision:list",
        _("Problems"),
        frozenset(
            {Role.ENTERPRISE_MEMBER, Role.STATION_STAFF, Role.BUREAU_STAFF, Role.DEPARTMENT_HANDLER}
        ),
        70,
    ),
    (
        "supervision:board",
        _("Supervision"),
        frozenset({Role.BUREAU_STAFF, Role.DEPARTMENT_HANDLER}),
        71,
    ),
]
