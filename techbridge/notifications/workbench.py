"""Unread inbox messages on 我的工作台."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techbridge.core.actors import is_active_user
from techbridge.core.workbench import WorkItem, oldest_and_count
from techbridge.notifications.models import Notification


def items(user: Any) -> list[WorkItem]:
    if not is_active_user(user):
        return []
    n, first = oldest_and_count(
        Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True), "created_at"
    )
    return [WorkItem(_("unread messages"), n, reverse("notifications:inbox"), first)]
