from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import Role
from techbridge.audit import views

app_name = "audit"

urlpatterns = [path("", views.audit_log, name="log")]

navigation = [("audit:log", _("Audit trail"), frozenset({Role.AUDIT_ADMIN}), 95)]
