"""Reading a user's notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from techbridge.core.actors import is_active_user
from techbridge.notifications.models import Notification


def inbox(user: Any) -> QuerySet[Notification]:
    if not is_active_user(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    return inbox(user).filter(read_at__isnull=True).count()
