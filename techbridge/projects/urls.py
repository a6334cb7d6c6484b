from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.projects import api, views

app_name = "projects"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("kpis/", views.dashboard, name="dashboard"),
    path("overdue/", views.overdue, name="overdue"),
    path("briefing/", views.briefing, name="briefing"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("export/", views.export_ledger, name="export"),
    path("batches/", views.batches, name="batches"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/edit/", views.project_edit, name="edit"),
    path("<str:code>/links/", views.project_links, name="links"),
    path("<str:code>/<slug:action>/", views.project_action, name="action"),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("projects/", api.ProjectListApi.as_view(), name="list"),
    path("projects/batches/", api.BatchListApi.as_view(), name="batches"),
    path("projects/zones/", api.ZoneListApi.as_view(), name="zones"),
    path("projects/kpis/", api.KpiApi.as_view(), name="kpis"),
    path("projects/briefing/", api.BriefingApi.as_view(), name="briefing"),
    path("projects/<str:code>/", api.ProjectDetailApi.as_view(), name="detail"),
    path("projects/<str:code>/stage/", api.ProjectStageApi.as_view(), name="stage"),
    path("projects/<str:code>/funding/", api.ProjectFundingApi.as_view(), name="funding"),
]

# The ledger is never public: bureau staff, the responsible departments and the local
# companies (their own projects) only.
public_url_names: frozenset[str] = frozenset()
_LEDGER = frozenset({Role.BUREAU_STAFF, Role.DEPARTMENT_HANDLER})
navigation: list = [
    ("projects:list", _("Project ledger"), _LEDGER | {Role.ENTERPRISE_MEMBER}, 70),
    ("projects:dashboard", _("Project KPIs"), _LEDGER, 71),
    ("projects:briefing", _("Project briefing"), _LEDGER, 72),
]
