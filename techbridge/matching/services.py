"""Writes of matching: relevance judgments (issue 13).

Judgments are facts other services establish — an enterprise accepting or declining a
broker's recommendation, a broker recommending — so those services record them inside
their own transaction and after their own permission checks and audit rows (brokerage may
import this module). A judgment holds ids and codes only, never who made it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from techbridge.matching.models import Judgment, JudgmentSource

#: Grade of a declined recommendation by its reason (brokerage.DeclineReason values): a
#: resource "too expensive", "not mature enough" or "already solved" still fits the problem.
DECLINE_GRADES = {
    "not_relevant": 0,
    "too_expensive": 2,
    "not_mature": 2,
    "already_solved": 2,
    "other": 1,
}
SOURCE_GRADES = {JudgmentSource.BROKER_RECOMMENDED: 2, JudgmentSource.ACCEPTED: 3}


def grade_of(source: str, reason: str = "") -> int:
    if source == JudgmentSource.DECLINED:
        return DECLINE_GRADES.get(reason, 1)
    try:
        return SOURCE_GRADES[JudgmentSource(source)]
    except ValueError:
        raise ValidationError({"source": f"unknown judgment source {source!r}"}) from None


@transaction.atomic
def judgment_record(
    *,
    query_kind: str,
    query_id: int,
    candidate_kind: str,
    candidate_id: int,
    source: str,
    reason: str = "",
    at: datetime | None = None,
) -> Judgment:
    """Store (or renew) one judgment; the grade follows from ``source`` and ``reason``."""
    grade = grade_of(source, reason)
    judgment, _created = Judgment.objects.update_or_create(
        query_kind=query_kind,
        query_id=int(query_id),
        candidate_kind=candidate_kind,
        candidate_id=int(candidate_id),
        source=source,
        defaults={"grade": grade, "reason": reason or "", "judged_at": at or timezone.now()},
    )
    return judgment


def judgment_from_recommendation(recommendation: Any) -> Judgment | None:
    """The judgment a brokerage Recommendation stands for (duck-typed: ``demand_id``,
    ``resource_kind``, ``resource_id``, ``status`` recommended/accepted/declined,
    ``decline_reason``, ``decided_at``): call it after creating, accepting or declining one,
    in the same transaction."""
    status = str(recommendation.status)
    source = {
        "recommended": JudgmentSource.BROKER_RECOMMENDED,
        "accepted": JudgmentSource.ACCEPTED,
        "declined": JudgmentSource.DECLINED,
    }.get(status)
    if source is None:
        return None
    return judgment_record(
        query_kind="demand",
        query_id=recommendation.demand_id,
        candidate_kind=recommendation.resource_kind,
        candidate_id=recommendation.resource_id,
        source=source,
        reason=str(getattr(recommendation, "decline_reason", "") or ""),
        at=getattr(recommendation, "decided_at", None) or None,
    )
