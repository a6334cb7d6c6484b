"""Roles and what they may do. One role per account, so the three administrator roles
(等保 三员分立: system, security, audit) can never be combined in one account."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VISITOR = "visitor", _("Visitor")
    ENTERPRISE_MEMBER = "enterprise_member", _("Enterprise member")
    INSTITUTION_MEMBER = "institution_member", _("Institution member")
    BROKER = "broker", _("Broker")
    STATION_STAFF = "station_staff", _("Station staff")
    BUREAU_STAFF = "bureau_staff", _("Bureau staff")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Staff accounts get the stricter password rules (≥ 12 characters, maximum age).
STAFF_ROLES = frozenset({Role.BUREAU_STAFF, Role.DEPARTMENT_HANDLER}) | ADMIN_ROLES
# Roles whose members act for an organisation and own its records.
MEMBER_ROLES = frozenset(
    {Role.ENTERPRISE_MEMBER, Role.INSTITUTION_MEMBER, Role.BROKER, Role.STATION_STAFF}
)


class Duty(models.TextChoices):
    """Bureau staff duties (permissions inside the bureau_staff role)."""

    REVIEWER = "reviewer", _("Reviewer")
    REGISTRAR = "registrar", _("Registrar")
    STATISTICIAN = "statistician", _("Statistician")
