"""Accounts' part of 我的工作台: administrator accounts waiting for a second
administrator's approval (separation of duties: never one's own)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.models import User
from techbridge.accounts.roles import ADMIN_ROLES, Role
from techbridge.core.actors import is_active_user
from techbridge.core.workbench import WorkItem, oldest_and_count


def items(user: Any) -> list[WorkItem]:
    if not (is_active_user(user) and user.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)):
        return []
    pending = User.objects.filter(
        role__in=[r.value for r in ADMIN_ROLES], approved_at__isnull=True, created_by__isnull=False
    ).exclude(created_by=user)
    n, first = oldest_and_count(pending, "date_joined")
    return [
        WorkItem(_("administrator accounts to approve"), n, reverse("accounts:approvals"), first)
    ]
