"""What every supervision service shares: locking a report, re-timing its clocks,
writing its event and audit row, and telling people."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor
from techbridge.core.events import record_event
from techbridge.core.phrases import Phrase
from techbridge.notifications.models import NotificationKind
from techbridge.notifications.services import notify
from techbridge.supervision import clocks
from techbridge.supervision.models import (
    ClockPause,
    ExtensionRequest,
    ExtensionStatus,
    ProblemEvent,
    ProblemReport,
)

#: The fields re-timing writes.
TIMING_FIELDS = [
    "response_due_at",
    "remind_at",
    "resolution_due_at",
    "second_level_at",
    "next_escalation_at",
]


def locked(report: ProblemReport) -> ProblemReport:
    """The report re-read under a row lock (PostgreSQL; SQLite's IMMEDIATE transaction
    already serialises writers), so a state check and its write cannot interleave with
    another service or the escalation job."""
    return (
        ProblemReport.objects.select_for_update(of=("self",))
        .select_related("project", "department")
        .get(pk=report.pk)
    )


def pauses_of(report: ProblemReport) -> list[tuple[datetime, datetime | None]]:
    return list(
        ClockPause.objects.filter(report=report)
        .order_by("started_at")
        .values_list("started_at", "ended_at")
    )


def retime(report: ProblemReport) -> None:
    """Recompute the due times and the next escalation step on ``report`` (in memory;
    the caller saves TIMING_FIELDS)."""
    approved = ExtensionRequest.objects.filter(
        report=report, status=ExtensionStatus.APPROVED
    ).values_list("requested_at", "amount")
    timing = clocks.timing(
        clocks.ClockSpec.of(report),
        reported_at=report.reported_at,
        calendar=clocks.calendar_for(report.calendar_edition),
        pauses=pauses_of(report),
        extensions=clocks.extension_budgets(report.resolution_unit, approved),
    )
    report.response_due_at = timing.response_due_at
    report.remind_at = timing.remind_at
    report.resolution_due_at = timing.resolution_due_at
    report.second_level_at = timing.second_level_at
    report.next_escalation_at = clocks.next_escalation_at(clocks.EscalationState.of(report))


def refresh_next_step(report: ProblemReport) -> None:
    report.next_escalation_at = clocks.next_escalation_at(clocks.EscalationState.of(report))


def save(report: ProblemReport, fields: Iterable[str]) -> None:
    report.save_versioned(expected_version=None, update_fields=sorted(set(fields)))


def event(
    report: ProblemReport,
    *,
    actor: Actor,
    kind: str,
    old: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> ProblemEvent:
    return record_event(
        ProblemEvent,
        subject=report,
        actor=actor,
        kind=kind,
        from_state=old if old != report.status else "",
        to_state=report.status if old and old != report.status else "",
        note=note,
        data=data,
        at=at,
    )


def audit(report: ProblemReport, *, actor: Actor, what: str, created: bool = False) -> None:
    audit_record(
        AuditEventType.CREATE if created else AuditEventType.TRANSITION,
        actor=actor,
        obj=report,
        detail={"action": what, "status": report.status},
    )


def handlers_of(department_id: int | None) -> QuerySet[Any]:
    if department_id is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(
        organisation_id=department_id, role=Role.DEPARTMENT_HANDLER, is_active=True
    )


def dispatchers() -> QuerySet[Any]:
    return get_user_model().objects.filter(role=Role.BUREAU_STAFF, is_active=True)


def tell(
    recipients: Iterable[Any],
    *,
    title: str | Phrase,
    body: str | Phrase = "",
    link: str = "",
    actor: Actor = None,
) -> None:
    """Notify everyone but the person who caused it (inbox and the enabled channels)."""
    actor_pk = getattr(actor, "pk", None)
    notify(
        recipients=[u for u in recipients if u is not None and u.pk != actor_pk],
        kind=NotificationKind.OTHER,
        title=title,
        body=body,
        link=link,
    )
