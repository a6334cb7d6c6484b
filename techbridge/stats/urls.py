from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.stats import api, views

app_name = "stats"

urlpatterns = [
    path("", views.market_summary, name="summary"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("export.xlsx", views.export_table, name="export"),
]
api_urlpatterns = [
    path("stats/contracts", api.ContractStatsApi.as_view(), name="contracts"),
    path("stats/bulletin", api.BulletinApi.as_view(), name="bulletin"),
]

# Aggregated market statistics are public (PRODUCT.md: visitors "see market statistics");
# the statisticians' dashboard adds the legal-person breakdowns.
public_url_names: frozenset[str] = frozenset(
    {
        "stats:summary",
        "stats:bulletin",
        "stats:export",
        "stats-api:contracts",
        "stats-api:bulletin",
    }
)
navigation: list = [
    ("stats:summary", _("Market statistics"), None, 60),
    ("stats:dashboard", _("Statistics dashboard"), frozenset({Role.BUREAU_STAFF}), 61),
    ("stats:bulletin", _("Bulletin"), None, 62),
]
