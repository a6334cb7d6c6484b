from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import MEMBER_ROLES, Role
from techbridge.catalogue import api
from techbridge.catalogue.converters import ActionConverter, KindConverter, ProposalActionConverter
from techbridge.catalogue.views import imports, records, workspace

register_converter(KindConverter, "kind")
register_converter(ActionConverter, "action")
register_converter(ProposalActionConverter, "paction")

app_name = "catalogue"

_LISTS = [
    ("achievements", "achievement"),
    ("experts", "expert"),
    ("instruments", "instrument"),
    ("labs", "lab"),
    ("data", "data"),
    ("services", "service"),
    ("demands", "demand"),
]

urlpatterns = [
    *[path(f"{slug}/", records.record_list, {"kind": kind}, name=slug) for slug, kind in _LISTS],
    path("workspace/", workspace.workspace, name="workspace"),
    path("review/", workspace.review_queue, name="review"),
    path("import/", imports.import_upload, name="import"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("demands/record/", records.demand_record, name="demand_record"),
    path("demands/<int:pk>/propose/", workspace.propose, name="propose"),
    path("proposals/<int:pk>/", workspace.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/<paction:action>/", workspace.proposal_action, name="proposal_action"),
    path("<kind:kind>/new/", records.record_create, name="create"),
    path("<kind:kind>/export/", records.record_export, name="export"),
    path("<kind:kind>/<int:pk>/", records.record_detail, name="detail"),
    path("<kind:kind>/<int:pk>/edit/", records.record_edit, name="edit"),
    path("<kind:kind>/<int:pk>/do/<action:action>/", records.record_action, name="action"),
]

api_urlpatterns = [
    path("demands/<int:pk>/proposals/", api.DemandProposalsApi.as_view(), name="proposals"),
    path("proposals/<int:pk>/", api.ProposalDetailApi.as_view(), name="proposal"),
    path(
        "proposals/<int:pk>/<paction:action>/",
        api.ProposalActionApi.as_view(),
        name="proposal_action",
    ),
    path("<kind:kind>/", api.RecordListApi.as_view(), name="list"),
    path("<kind:kind>/<int:pk>/", api.RecordDetailApi.as_view(), name="detail"),
    path("<kind:kind>/<int:pk>/<action:action>/", api.RecordActionApi.as_view(), name="action"),
]

# Page names anyone may open (see core/public_urls.py) and this app's menu entries.
public_url_names: frozenset[str] = frozenset(
    {
        *(f"catalogue:{slug}" for slug, _kind in _LISTS),
        "catalogue:detail",
        "catalogue-api:list",
        "catalogue-api:detail",
    }
)
_MEMBERS = frozenset(MEMBER_ROLES)
navigation: list = [
    ("catalogue:achievements", _("Achievements"), None, 10),
    ("catalogue:experts", _("Experts"), None, 11),
    ("catalogue:instruments", _("Instruments"), None, 12),
    ("catalogue:labs", _("Labs"), None, 13),
    ("catalogue:demands", _("Demands"), None, 14),
    ("catalogue:workspace", _("My listings"), _MEMBERS, 20),
    ("catalogue:review", _("Review queue"), frozenset({Role.BUREAU_STAFF}), 21),
    ("catalogue:import", _("Import"), frozenset({Role.BUREAU_STAFF}), 22),
]
