"""Supervision's part of 我的工作台 (微政务): problems past or near their deadline for the
department and the bureau, problems with no callback yet, and for the reporter the
resolved problems waiting for their confirmation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techbridge.core.actors import is_active_user
from techbridge.core.workbench import WorkItem, oldest_and_count
from techbridge.supervision.models.reports import OPEN_STATUSES, ProblemStatus
from techbridge.supervision.selectors import (
    may_see_supervision,
    overdue_reports,
    reports_visible_to,
    supervised_reports,
)

#: "Near its deadline": due within this long (a quarter of the 24-hour clock).
NEAR = dt.timedelta(hours=6)


def items(user: Any) -> list[WorkItem]:
    found: list[WorkItem] = []
    if not is_active_user(user):
        return found
    now = timezone.now()
    listing = reverse("supervision:list")
    if may_see_supervision(user):
        n, first = oldest_and_count(overdue_reports(user, now), "reported_at")
        found.append(
            WorkItem(
                _("problems past their deadline"),
                n,
                reverse("supervision:overdue"),
                first,
                urgent=True,
            )
        )
        open_reports = supervised_reports(user).filter(status__in=OPEN_STATUSES)
        near = open_reports.filter(
            Q(resolution_due_at__gte=now, resolution_due_at__lt=now + NEAR)
            | Q(responded_at__isnull=True, response_due_at__gte=now, response_due_at__lt=now + NEAR)
        )
        n, first = oldest_and_count(near, "reported_at")
        found.append(
            WorkItem(
                _("problems due within 6 hours"), n, f"{listing}?status=open", first, urgent=True
            )
        )
        n, first = oldest_and_count(
            open_reports.filter(status=ProblemStatus.REPORTED), "reported_at"
        )
        found.append(
            WorkItem(
                _("new problems to accept"), n, f"{listing}?status={ProblemStatus.REPORTED}", first
            )
        )
    n, first = oldest_and_count(
        reports_visible_to(user).filter(reported_by=user, status=ProblemStatus.RESOLVED),
        "resolved_at",
    )
    found.append(
        WorkItem(
            _("resolved problems waiting for your confirmation"),
            n,
            f"{listing}?status={ProblemStatus.RESOLVED}",
            first,
        )
    )
    n, first = oldest_and_count(
        reports_visible_to(user).filter(reported_by=user, status=ProblemStatus.WAITING),
        "reported_at",
    )
    found.append(
        WorkItem(
            _("problems waiting for your answer"),
            n,
            f"{listing}?status={ProblemStatus.WAITING}",
            first,
        )
    )
    return found
