"""Deadline extensions (延期): requested by the department before the resolution deadline,
approved or refused by someone else — the department head, the supervising office or a
dispatcher; never by the person who asked (and a database constraint says so too)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.codes.workcalendar import ClockError
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.exceptions import TransitionError
from techbridge.core.phrases import phrase
from techbridge.supervision import clocks, rules
from techbridge.supervision.models import (
    OPEN_STATUSES,
    ExtensionRequest,
    ExtensionStatus,
    ProblemEventKind,
    ProblemReport,
)
from techbridge.supervision.services._common import (
    TIMING_FIELDS,
    audit,
    event,
    locked,
    pauses_of,
    retime,
    save,
    tell,
)
from techbridge.supervision.services._text import clean_text

MAX_EXTENSION = 720  # hours or working days: beyond a month the problem needs a new plan


def time_left(report: ProblemReport, at: datetime) -> bool:
    """Whether the resolution clock (with approved extensions, without pauses) still has
    time at ``at`` — the condition for asking for more."""
    spec = clocks.ClockSpec.of(report)
    used = clocks.resolution_time_used(
        spec,
        reported_at=report.reported_at,
        at=at,
        calendar=clocks.calendar_for(report.calendar_edition),
        pauses=pauses_of(report),
    )
    approved = report.extensions.filter(status=ExtensionStatus.APPROVED).values_list(
        "amount", flat=True
    )
    return used < clocks.resolution_budget_measure(spec, approved)


@transaction.atomic
def extension_request(
    *,
    actor: Actor,
    report: ProblemReport,
    amount: int,
    reason: str,
    now: datetime | None = None,
) -> ExtensionRequest:
    """Ask for ``amount`` more of the resolution clock's unit (hours or working days)."""
    report = locked(report)
    if not rules.handles(actor, report):
        raise PermissionDenied(_("Only the responsible department's handlers ask for more time."))
    if report.status not in OPEN_STATUSES:
        raise TransitionError(_("Only an open problem can get more time."))
    try:
        value = int(amount)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= MAX_EXTENSION:
        raise ValidationError(
            {
                "amount": _("Ask for 1 to %(max)d %(unit)s.")
                % {"max": MAX_EXTENSION, "unit": report.get_resolution_unit_display()}
            }
        )
    reason = clean_text(reason, field="reason", label=_("Reason"), limit=2000, required=True)
    at = now or timezone.now()
    if report.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise TransitionError(_("An extension request is already waiting for a decision."))
    if not time_left(report, at):
        raise TransitionError(
            _("The deadline has passed: an extension must be requested before it.")
        )
    requester = actor_or_none(actor)
    assert requester is not None  # rules.handles admits active users only
    request = ExtensionRequest.objects.create(
        report=report, amount=value, reason=reason, requested_by=requester, requested_at=at
    )
    save(report, [])
    event(
        report,
        actor=actor,
        kind=ProblemEventKind.EXT_REQUESTED,
        note=reason,
        at=at,
        data={"extension": request.pk, "amount": value, "unit": report.resolution_unit},
    )
    audit(report, actor=actor, what="extension_request")
    desk = rules.department_of(report.department_id)
    approvers = []
    if desk is not None:
        approvers.append(desk.head)
        if desk.supervised_by is not None:
            approvers.append(desk.supervised_by.head)
    tell(
        approvers,
        title=phrase("Problem %(number)s: extension requested", {"number": report.number}),
        body=reason,
        link=report.get_absolute_url(),
        actor=actor,
    )
    return request


@transaction.atomic
def extension_decide(
    *,
    actor: Actor,
    request: ExtensionRequest,
    approve: bool,
    note: str = "",
    now: datetime | None = None,
) -> ExtensionRequest:
    """Approve (the deadline moves by the amount, re-timed over the calendar) or refuse."""
    report = locked(request.report)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if not rules.may_decide_extension(actor, report):
        raise PermissionDenied(
            _(
                "Only the department head, the supervising office or a "
                "dispatcher decides on extensions."
            )
        )
    if request.requested_by_id == getattr(actor, "pk", None):
        raise TransitionError(_("Nobody decides on their own extension request."))
    if request.status != ExtensionStatus.PENDING:
        raise TransitionError(_("This request has already been decided."))
    note = clean_text(note, field="note", label=_("Note"), limit=2000, required=not approve)
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by = actor  # type: ignore[assignment]
    request.decided_at = now or timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    old_due = report.resolution_due_at
    if approve:
        try:
            retime(report)
        except ClockError as exc:
            raise TransitionError(str(exc)) from exc
        save(report, TIMING_FIELDS)
    else:
        save(report, [])
    event(
        report,
        actor=actor,
        kind=ProblemEventKind.EXT_APPROVED if approve else ProblemEventKind.EXT_REJECTED,
        note=note,
        at=request.decided_at,
        data={
            "extension": request.pk,
            "old_due": old_due.isoformat() if old_due else None,
            "new_due": report.resolution_due_at.isoformat() if report.resolution_due_at else None,
        },
    )
    audit(report, actor=actor, what="extension_approve" if approve else "extension_refuse")
    tell(
        [request.requested_by],
        title=(
            _("Problem %(number)s: extension approved")
            if approve
            else _("Problem %(number)s: extension refused")
        )
        % {"number": report.number},
        body=note,
        link=report.get_absolute_url(),
        actor=actor,
    )
    return request
