"""Sharing — settlement and reports: pages and API paths (merged in urls/__init__.py)."""

from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.sharing.api import settlement as api
from techbridge.sharing.views import reports as report_views
from techbridge.sharing.views import settlement as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("statements/", views.statement_list, name="statements"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("statements/<int:pk>/xlsx/", views.statement_xlsx, name="statement_xlsx"),
    path("statements/<int:pk>/print/", views.statement_print, name="statement_print"),
    path("settlement/", views.runs, name="settlement_runs"),
    path("settlement/adjustments/", views.adjustments, name="settlement_adjustments"),
    path("reports/", report_views.reports_index, name="reports"),
    path("reports/service-records/", report_views.records_export, name="records_export"),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("sharing/statements/", api.StatementListApi.as_view(), name="statements"),
    path("sharing/statements/<int:pk>/", api.StatementDetailApi.as_view(), name="statement"),
    path(
        "sharing/statements/<int:pk>/xlsx/",
        api.StatementXlsxApi.as_view(),
        name="statement-xlsx",
    ),
    path("sharing/settlement-runs/", api.RunListApi.as_view(), name="settlement-runs"),
    path(
        "sharing/settlement-adjustments/",
        api.AdjustmentListApi.as_view(),
        name="settlement-adjustments",
    ),
    path("sharing/reports/utilisation/", api.UtilisationApi.as_view(), name="report-utilisation"),
    path("sharing/reports/enterprises/", api.EnterprisesApi.as_view(), name="report-enterprises"),
    path("sharing/reports/income/", api.IncomeApi.as_view(), name="report-income"),
    path("sharing/reports/vouchers/", api.VoucherFiguresApi.as_view(), name="report-vouchers"),
    path(
        "sharing/reports/service-records/",
        api.ServiceRecordsApi.as_view(),
        name="report-service-records",
    ),
]
# Statements and reports are never public.
public_url_names: frozenset[str] = frozenset()
navigation: list = [
    (
        "sharing:statements",
        _("Settlement statements"),
        frozenset({Role.INSTITUTION_MEMBER, Role.BROKER, Role.BUREAU_STAFF}),
        76,
    ),
    (
        "sharing:reports",
        _("Sharing reports"),
        frozenset({Role.INSTITUTION_MEMBER, Role.BROKER, Role.BUREAU_STAFF}),
        77,
    ),
]
