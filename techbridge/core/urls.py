from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("workbench/", views.workbench, name="workbench"),
    path("health/", views.health, name="health"),
    # Load-balancer probes, without a trailing slash as load balancers are set up.
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("amounts/preview/", views.amount_preview, name="amount_preview"),
]

public_url_names = frozenset({"core:home", "core:health", "core:healthz", "core:readyz"})
navigation = [
    ("core:home", _("Home"), None, 0),
    ("core:workbench", _("My workbench"), frozenset(set(Role.values) - {Role.VISITOR}), 1),
    ("admin:index", _("Administration"), frozenset({Role.SYSTEM_ADMIN, Role.BUREAU_STAFF}), 99),
]
