"""The steps of a problem: accepted (the department calls back) → in progress → waiting on
the reporter ⇄ resumed → resolved (what was done) → confirmed by the reporter, or
reopened (back to in progress; the clock runs on); a satisfaction rating (回访) after
resolution."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.exceptions import TransitionError
from techbridge.core.phrases import phrase
from techbridge.supervision import rules
from techbridge.supervision.models import (
    ClockPause,
    ContactLink,
    ProblemEventKind,
    ProblemReport,
    ProblemStatus,
)
from techbridge.supervision.services._common import (
    TIMING_FIELDS,
    audit,
    event,
    handlers_of,
    locked,
    refresh_next_step,
    retime,
    save,
    tell,
)
from techbridge.supervision.services._text import clean_text


def _handler_only(actor: Actor, report: ProblemReport) -> None:
    if not rules.handles(actor, report):
        raise PermissionDenied(_("Only the responsible department's handlers may do this."))


def _reporter_only(actor: Actor, report: ProblemReport, link: ContactLink | None) -> None:
    if not rules.reporter_side(actor, report, link):
        raise PermissionDenied(_("Only the reporter of this problem may do this."))


def _via(link: ContactLink | None) -> dict[str, str]:
    """Event data naming the personal link a step came through (the actor is None)."""
    return {"via": "link", "link": link.prefix} if link is not None else {}


def _require(report: ProblemReport, *allowed: str) -> None:
    if report.status not in allowed:
        raise TransitionError(
            _("Not possible while the problem is “%(status)s”.")
            % {"status": report.get_status_display()}
        )


def _tell_reporter(report: ProblemReport, actor: Actor, title: str, body: str = "") -> None:
    tell([report.reported_by], title=title, body=body, link=report.get_absolute_url(), actor=actor)


@transaction.atomic
def report_accept(
    *, actor: Actor, report: ProblemReport, note: str, now: datetime | None = None
) -> ProblemReport:
    """The department takes the problem and has called the reporter back (first response):
    the response clock stops; the handler becomes the assignee."""
    report = locked(report)
    _handler_only(actor, report)
    _require(report, ProblemStatus.REPORTED)
    note = clean_text(note, field="note", label=_("Callback note"), limit=2000, required=True)
    at = now or timezone.now()
    old = report.status
    report.status = ProblemStatus.ACCEPTED
    report.assignee = actor  # type: ignore[assignment]
    fields = ["status", "assignee", "next_escalation_at"]
    if report.responded_at is None:
        report.responded_at = at
        report.response_note = note
        fields += ["responded_at", "response_note"]
    refresh_next_step(report)
    save(report, fields)
    event(report, actor=actor, kind=ProblemEventKind.ACCEPTED, old=old, note=note, at=at)
    audit(report, actor=actor, what="accept")
    _tell_reporter(
        report, actor, _("Problem %(number)s was accepted") % {"number": report.number}, note
    )
    return report


@transaction.atomic
def report_start(
    *, actor: Actor, report: ProblemReport, now: datetime | None = None
) -> ProblemReport:
    report = locked(report)
    _handler_only(actor, report)
    _require(report, ProblemStatus.ACCEPTED)
    old = report.status
    report.status = ProblemStatus.IN_PROGRESS
    save(report, ["status"])
    event(report, actor=actor, kind=ProblemEventKind.STARTED, old=old, at=now)
    audit(report, actor=actor, what="start")
    return report


@transaction.atomic
def report_wait(
    *, actor: Actor, report: ProblemReport, reason: str, now: datetime | None = None
) -> ProblemReport:
    """The department waits on the reporter (documents, access to the site…): the
    resolution clock stops until the reporter replies or the department resumes."""
    report = locked(report)
    _handler_only(actor, report)
    _require(report, ProblemStatus.ACCEPTED, ProblemStatus.IN_PROGRESS)
    reason = clean_text(
        reason, field="reason", label=_("What you wait for"), limit=2000, required=True
    )
    at = now or timezone.now()
    if at < report.reported_at:
        raise ValidationError({"reason": _("A pause cannot begin before the report.")})
    old = report.status
    ClockPause.objects.create(
        report=report, started_at=at, reason=reason, started_by=actor_or_none(actor)
    )
    report.status = ProblemStatus.WAITING
    report.paused_since = at
    retime(report)
    save(report, ["status", "paused_since", *TIMING_FIELDS])
    event(report, actor=actor, kind=ProblemEventKind.WAITING, old=old, note=reason, at=at)
    audit(report, actor=actor, what="wait")
    _tell_reporter(
        report,
        actor,
        _("Problem %(number)s: the department needs something from you")
        % {"number": report.number},
        reason,
    )
    return report


def _end_pause(report: ProblemReport, at: datetime) -> None:
    pause = ClockPause.objects.select_for_update().get(report=report, ended_at__isnull=True)
    pause.ended_at = max(at, pause.started_at)
    pause.save(update_fields=["ended_at"])
    report.status = ProblemStatus.IN_PROGRESS
    report.paused_since = None
    retime(report)


@transaction.atomic
def report_resume(
    *, actor: Actor, report: ProblemReport, note: str = "", now: datetime | None = None
) -> ProblemReport:
    """The department resumes (it got what it waited for another way)."""
    report = locked(report)
    _handler_only(actor, report)
    _require(report, ProblemStatus.WAITING)
    at = now or timezone.now()
    note = clean_text(note, field="note", label=_("Note"), limit=2000, required=False)
    old = report.status
    _end_pause(report, at)
    save(report, ["status", "paused_since", *TIMING_FIELDS])
    event(report, actor=actor, kind=ProblemEventKind.RESUMED, old=old, note=note, at=at)
    audit(report, actor=actor, what="resume")
    return report


@transaction.atomic
def report_reply(
    *,
    actor: Actor,
    report: ProblemReport,
    message: str,
    link: ContactLink | None = None,
    now: datetime | None = None,
) -> ProblemReport:
    """The reporter answers what the department waited for: the clock runs again."""
    report = locked(report)
    _reporter_only(actor, report, link)
    _require(report, ProblemStatus.WAITING)
    message = clean_text(message, field="message", label=_("Reply"), limit=2000, required=True)
    at = now or timezone.now()
    old = report.status
    _end_pause(report, at)
    save(report, ["status", "paused_since", *TIMING_FIELDS])
    event(
        report,
        actor=actor,
        kind=ProblemEventKind.REPLIED,
        old=old,
        note=message,
        at=at,
        data=_via(link),
    )
    audit(report, actor=actor, what="reply")
    tell(
        [report.assignee] if report.assignee_id else handlers_of(report.department_id),
        title=phrase("Problem %(number)s: the reporter replied", {"number": report.number}),
        body=message,
        link=report.get_absolute_url(),
        actor=actor,
    )
    return report


@transaction.atomic
def report_resolve(
    *, actor: Actor, report: ProblemReport, note: str, now: datetime | None = None
) -> ProblemReport:
    """The department has solved the problem and says what was done; the resolution
    clock stops (on time when at or before its deadline)."""
    report = locked(report)
    _handler_only(actor, report)
    _require(report, ProblemStatus.ACCEPTED, ProblemStatus.IN_PROGRESS)
    note = clean_text(note, field="note", label=_("What was done"), limit=4000, required=True)
    at = now or timezone.now()
    old = report.status
    report.status = ProblemStatus.RESOLVED
    report.resolved_at = at
    report.resolution_note = note
    refresh_next_step(report)
    save(report, ["status", "resolved_at", "resolution_note", "next_escalation_at"])
    on_time = report.resolution_due_at is not None and at <= report.resolution_due_at
    event(
        report,
        actor=actor,
        kind=ProblemEventKind.RESOLVED,
        old=old,
        note=note,
        at=at,
        data={"on_time": on_time},
    )
    audit(report, actor=actor, what="resolve")
    _tell_reporter(
        report,
        actor,
        _("Problem %(number)s was resolved: please confirm") % {"number": report.number},
        note,
    )
    return report


@transaction.atomic
def report_confirm(
    *,
    actor: Actor,
    report: ProblemReport,
    link: ContactLink | None = None,
    now: datetime | None = None,
) -> ProblemReport:
    report = locked(report)
    _reporter_only(actor, report, link)
    _require(report, ProblemStatus.RESOLVED)
    at = now or timezone.now()
    old = report.status
    report.status = ProblemStatus.CONFIRMED
    report.confirmed_at = at
    save(report, ["status", "confirmed_at"])
    event(report, actor=actor, kind=ProblemEventKind.CONFIRMED, old=old, at=at, data=_via(link))
    audit(report, actor=actor, what="confirm")
    return report


@transaction.atomic
def report_reopen(
    *,
    actor: Actor,
    report: ProblemReport,
    reason: str,
    link: ContactLink | None = None,
    now: datetime | None = None,
) -> ProblemReport:
    """The reporter says it is not solved: back to in progress. The clock is not reset —
    past the deadline the problem is overdue at once and escalated by the next run."""
    report = locked(report)
    _reporter_only(actor, report, link)
    _require(report, ProblemStatus.RESOLVED)
    reason = clean_text(
        reason, field="reason", label=_("What is still wrong"), limit=2000, required=True
    )
    at = now or timezone.now()
    old = report.status
    report.status = ProblemStatus.IN_PROGRESS
    report.resolved_at = None
    report.reopen_count += 1
    # A rating given to the resolution that failed goes with it (its event stays).
    report.rating, report.rating_comment, report.rated_at = None, "", None
    refresh_next_step(report)
    save(
        report,
        [
            "status",
            "resolved_at",
            "reopen_count",
            "next_escalation_at",
            "rating",
            "rating_comment",
            "rated_at",
        ],
    )
    event(
        report,
        actor=actor,
        kind=ProblemEventKind.REOPENED,
        old=old,
        note=reason,
        at=at,
        data=_via(link),
    )
    audit(report, actor=actor, what="reopen")
    tell(
        [report.assignee] if report.assignee_id else handlers_of(report.department_id),
        title=phrase("Problem %(number)s was reopened", {"number": report.number}),
        body=reason,
        link=report.get_absolute_url(),
        actor=actor,
    )
    return report


@transaction.atomic
def report_rate(
    *,
    actor: Actor,
    report: ProblemReport,
    rating: int,
    comment: str = "",
    link: ContactLink | None = None,
    now: datetime | None = None,
) -> ProblemReport:
    """回访: the reporter's satisfaction (1–5) and comment once the problem is resolved —
    given by the reporter, or recorded by bureau staff after a callback. Once only."""
    report = locked(report)
    if not (rules.reporter_side(actor, report, link) or rules.is_bureau(actor)):
        raise PermissionDenied(_("Only the reporter (or bureau staff after a callback) rates."))
    _require(report, ProblemStatus.RESOLVED, ProblemStatus.CONFIRMED)
    if report.rating is not None:
        raise TransitionError(_("This problem has already been rated."))
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError(
            {"rating": _("Rate from 1 (very dissatisfied) to 5 (very satisfied).")}
        )
    comment = clean_text(comment, field="comment", label=_("Comment"), limit=2000, required=False)
    report.rating = value
    report.rating_comment = comment
    report.rated_at = now or timezone.now()
    save(report, ["rating", "rating_comment", "rated_at"])
    event(
        report,
        actor=actor,
        kind=ProblemEventKind.RATED,
        note=comment,
        data={"rating": value, **_via(link)},
        at=report.rated_at,
    )
    audit(report, actor=actor, what="rate")
    return report
