"""Brokerage's part of 我的工作台: recommendations the enterprise has not answered, deals
that have not moved for a while, and the deals by stage as a bar chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techbridge.brokerage.models import OPEN_STAGES, DealStage, Recommendation
from techbridge.brokerage.models.curation import RecommendationStatus
from techbridge.brokerage.selectors import deals_visible_to, recommendations_for_enterprise
from techbridge.brokerage.services._common import is_broker, is_bureau
from techbridge.core.actors import is_active_user
from techbridge.core.workbench import Bar, Panel, WorkItem, oldest_and_count

#: A deal untouched this long is worth a look ("停滞").
STALE_AFTER = dt.timedelta(days=30)


def _deals_page(user: Any) -> str:
    if is_broker(user):
        return reverse("brokerage:board")
    if is_bureau(user):
        return reverse("brokerage:bureau_board")
    return reverse("brokerage:my_deals")


def items(user: Any) -> list[WorkItem]:
    found: list[WorkItem] = []
    if not is_active_user(user):
        return found
    if getattr(user, "role", "") == "enterprise_member":
        n, first = oldest_and_count(
            recommendations_for_enterprise(user).filter(status=RecommendationStatus.RECOMMENDED),
            "created_at",
        )
        found.append(
            WorkItem(
                _("recommendations to accept or decline"),
                n,
                reverse("brokerage:recommendations"),
                first,
                hint=_("Accepting shows you the provider's contact details."),
            )
        )
    if is_broker(user):
        open_deals = deals_visible_to(user).filter(broker_id=user.pk, stage__in=OPEN_STAGES)
        n, first = oldest_and_count(
            open_deals.filter(updated_at__lt=timezone.now() - STALE_AFTER), "updated_at"
        )
        found.append(
            WorkItem(_("deals without progress for 30 days"), n, reverse("brokerage:board"), first)
        )
        unanswered = Recommendation.objects.filter(
            broker_id=user.pk, status=RecommendationStatus.RECOMMENDED
        )
        n, first = oldest_and_count(unanswered, "created_at")
        found.append(
            WorkItem(
                _("recommendations the enterprise has not answered yet"),
                n,
                reverse("brokerage:board"),
                first,
            )
        )
    return found


def panels(user: Any) -> list[Panel]:
    if not is_active_user(user):
        return []
    deals = deals_visible_to(user)
    if is_broker(user):
        deals = deals.filter(broker_id=user.pk)
    elif not (is_bureau(user) or getattr(user, "is_member", False)):
        return []
    counts = dict(
        deals.filter(stage__in=OPEN_STAGES).values_list("stage").annotate(n=Count("id")).order_by()
    )
    page = _deals_page(user)
    bars = [
        Bar(
            DealStage(stage).label,
            int(counts.get(stage, 0)),
            f"{page}?stage={stage}" if page.endswith("/deals/") else page,
        )
        for stage in OPEN_STAGES
    ]
    total = sum(b.value for b in bars)
    return [Panel(_("Open deals by stage"), bars, gettext("%(n)s open deals") % {"n": total})]
