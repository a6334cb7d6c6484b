"""Unread notices (通知公告) on 我的工作台: the read receipt is what the sender watches."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techbridge.core.actors import is_active_user
from techbridge.core.workbench import WorkItem, oldest_and_count
from techbridge.notices.models import NoticeRecipient


def items(user: Any) -> list[WorkItem]:
    if not is_active_user(user):
        return []
    n, first = oldest_and_count(
        NoticeRecipient.objects.filter(user_id=user.pk, read_at__isnull=True), "notice__sent_at"
    )
    return [WorkItem(_("unread notices"), n, reverse("notices:received"), first)]
