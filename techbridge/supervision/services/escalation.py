"""Escalation (督办): the periodic job's work. Never called from a page view.

One run takes every report whose ``next_escalation_at`` has come — one range scan of a
partial index for their ids — in batches of ids. For each batch, in ONE transaction:

1. decide the due steps of each report from its stored due times (``clocks.due_steps``);
2. INSERT the steps as ``Escalation`` rows with ON CONFLICT DO NOTHING — UNIQUE (report,
   step) means a step already taken (by an earlier run, or a concurrent one on another
   node) is not taken again;
3. read back the rows carrying this run's id: those are the steps this run owns, and only
   they get an event, an audit row and a notice;
4. write each report's new escalation state and next due step.

A run killed mid-way loses only its open batch (rolled back as a whole); the next run —
the scheduler fires the latest occurrence after downtime, and every due step is still
due — takes those steps exactly once. On PostgreSQL batches are claimed with
``FOR UPDATE SKIP LOCKED`` so two runners share the work instead of waiting.

Notices are grouped per recipient and step within a batch: a head with 40 overdue
problems gets one 督办 notice listing them, not 40.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.notifications.models import NotificationKind
from techbridge.notifications.services import notify
from techbridge.supervision import clocks
from techbridge.supervision.models import (
    OPEN_STATUSES,
    Department,
    Escalation,
    EscalationLevel,
    ProblemEvent,
    ProblemEventKind,
    ProblemReport,
)
from techbridge.supervision.services import _bulk
from techbridge.supervision.services._common import dispatchers, handlers_of

BATCH_SIZE = 2000
NOTICE_LIST = 20  # numbers listed in a grouped notice

STEP_OF_LEVEL = {
    EscalationLevel.REMINDER: Escalation.Step.REMINDER,
    EscalationLevel.SUPERVISION: Escalation.Step.SUPERVISION,
    EscalationLevel.SECOND_LEVEL: Escalation.Step.SECOND_LEVEL,
}
EVENT_OF_STEP: dict[str, str] = {
    Escalation.Step.REMINDER: ProblemEventKind.REMINDED,
    Escalation.Step.RESPONSE_LATE: ProblemEventKind.RESPONSE_LATE,
    Escalation.Step.SUPERVISION: ProblemEventKind.SUPERVISED,
    Escalation.Step.SECOND_LEVEL: ProblemEventKind.SUPERVISED_2,
}
# Only what the decision and the notices read.
_COLUMNS = (
    "id",
    "number",
    "title",
    "status",
    "department_id",
    "assignee_id",
    "responded",
    "response_escalated",
    "escalation_level",
    "response_due_at",
    "remind_at",
    "resolution_due_at",
    "second_level_at",
)
# Whether a callback was given is all the decision needs of responded_at (on SQLite every
# datetime read is parsed in Python: the job reads as few as it can).
_RESPONDED = Case(
    When(responded_at__isnull=True, then=Value(False)),
    default=Value(True),
    output_field=BooleanField(),
)


@dataclass(slots=True)
class _Due:
    """A due report as the job reads it (the columns of _COLUMNS, in order): no model
    instance is built for the thousands a catch-up run may take."""

    pk: int
    number: str
    title: str
    status: str
    department_id: int | None
    assignee_id: int | None
    responded: bool
    response_escalated: bool
    escalation_level: int
    response_due_at: datetime
    remind_at: datetime | None
    resolution_due_at: datetime | None
    second_level_at: datetime | None
    next_escalation_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def state(self) -> clocks.EscalationState:
        return clocks.EscalationState(
            is_open=self.is_open,
            responded=self.responded,
            response_escalated=self.response_escalated,
            escalation_level=self.escalation_level,
            response_due_at=self.response_due_at,
            remind_at=self.remind_at,
            resolution_due_at=self.resolution_due_at,
            second_level_at=self.second_level_at,
        )

    def get_absolute_url(self) -> str:
        return reverse("supervision:detail", args=[self.number])


@dataclass
class RunResult:
    run: str
    examined: int = 0
    escalated_reports: int = 0
    steps: Counter[str] = field(default_factory=Counter)

    @property
    def steps_taken(self) -> int:
        return sum(self.steps.values())


class _Recipients:
    """Who is told of each step, per department (read once per run)."""

    def __init__(self) -> None:
        self._handlers: dict[int, list[Any]] = {}
        self._desks: dict[int, Department | None] = {}
        self._dispatchers: list[Any] | None = None

    def _desk(self, department_id: int) -> Department | None:
        if department_id not in self._desks:
            self._desks[department_id] = (
                Department.objects.select_related(
                    "head",
                    "supervised_by__organisation",
                    "supervised_by__head",
                    "supervised_by__supervised_by__head",
                )
                .filter(organisation_id=department_id)
                .first()
            )
        return self._desks[department_id]

    def handlers(self, department_id: int) -> list[Any]:
        if department_id not in self._handlers:
            self._handlers[department_id] = list(handlers_of(department_id))
        return self._handlers[department_id]

    def dispatchers(self) -> list[Any]:
        if self._dispatchers is None:
            self._dispatchers = list(dispatchers())
        return self._dispatchers

    def office(self, desk: Department | None) -> list[Any]:
        """The supervising office: its head and its bureau staff; the dispatchers when the
        department has none configured."""
        if desk is None or desk.supervised_by is None:
            return self.dispatchers()
        office = desk.supervised_by
        staff = [u for u in self.dispatchers() if u.organisation_id == office.organisation_id]
        people = [u for u in [office.head, *staff] if u is not None]
        # An office nobody is set up for yet: the dispatchers stand in, so 督办 reaches someone.
        return people or self.dispatchers()

    def of(self, report: _Due, step: str) -> list[Any]:
        if report.department_id is None:
            return self.dispatchers()
        desk = self._desk(report.department_id)
        head = desk.head if desk is not None else None
        if step == Escalation.Step.REMINDER:
            if report.assignee_id is not None:
                return [
                    u for u in self.handlers(report.department_id) if u.pk == report.assignee_id
                ] or self.handlers(report.department_id)
            return self.handlers(report.department_id)
        if step == Escalation.Step.RESPONSE_LATE:
            return [head, *self.handlers(report.department_id)]
        people = [head, *self.handlers(report.department_id), *self.office(desk)]
        if step == Escalation.Step.SECOND_LEVEL and desk is not None and desk.supervised_by:
            upper = desk.supervised_by.supervised_by
            if upper is not None:
                people.append(upper.head)
        return people


def _titles(step: str, reports: list[_Due]) -> tuple[str, str, str]:
    """(title, body, link) of one grouped notice."""
    numbers = "、".join(r.number for r in reports[:NOTICE_LIST])
    if len(reports) > NOTICE_LIST:
        numbers += " …"
    one = reports[0]
    if step == Escalation.Step.REMINDER:
        title = (
            _("Reminder: problem %(number)s is due soon") % {"number": one.number}
            if len(reports) == 1
            else _("Reminder: %(n)d problems are due soon") % {"n": len(reports)}
        )
    elif step == Escalation.Step.RESPONSE_LATE:
        title = (
            _("Response overdue: nobody has called back on %(number)s") % {"number": one.number}
            if len(reports) == 1
            else _("Response overdue: %(n)d problems have had no callback") % {"n": len(reports)}
        )
    elif step == Escalation.Step.SUPERVISION:
        title = (
            _("督办: problem %(number)s is past its deadline") % {"number": one.number}
            if len(reports) == 1
            else _("督办: %(n)d problems are past their deadline") % {"n": len(reports)}
        )
    else:
        title = (
            _("Second-level 督办: problem %(number)s is still unresolved") % {"number": one.number}
            if len(reports) == 1
            else _("Second-level 督办: %(n)d problems are still unresolved") % {"n": len(reports)}
        )
    if len(reports) == 1:
        return title, one.title, one.get_absolute_url()
    return title, numbers, reverse("supervision:overdue")


def _notify_groups(
    groups: dict[tuple[int | None, str, int | None], list[_Due]], recipients: _Recipients
) -> int:
    sent = 0
    for (_department, step, _assignee), reports in groups.items():
        people = {u.pk: u for u in recipients.of(reports[0], step) if u is not None and u.is_active}
        title, body, link = _titles(step, reports)
        sent += len(
            notify(
                recipients=list(people.values()),
                kind=NotificationKind.OTHER,
                title=title,
                body=body,
                link=link,
            )
        )
    return sent


def _due_time(report: _Due, step: str) -> datetime:
    if step == Escalation.Step.RESPONSE_LATE:
        return report.response_due_at
    if step == Escalation.Step.REMINDER:
        return report.remind_at or report.resolution_due_at  # type: ignore[return-value]
    if step == Escalation.Step.SECOND_LEVEL:
        return report.second_level_at or report.resolution_due_at  # type: ignore[return-value]
    return report.resolution_due_at  # type: ignore[return-value]


ESCALATION_FIELDS = ("report", "step", "due_at", "at", "run", "department")
STATE_FIELDS = ("response_escalated", "escalation_level", "next_escalation_at", "updated_at")


@dataclass(frozen=True)
class _StepRow:
    """An Escalation row to insert, by column attribute name (no model instance needed)."""

    report_id: int
    step: str
    due_at: datetime
    at: datetime
    run: str
    department_id: int | None


def _insert_steps(rows: list[_StepRow]) -> None:
    """ON CONFLICT (report, step) DO NOTHING: a step taken before (or by a concurrent run)
    is skipped by the unique constraint; any other constraint still fails loudly (unlike
    SQLite's INSERT OR IGNORE behind bulk_create(ignore_conflicts))."""
    _bulk.insert(Escalation, ESCALATION_FIELDS, rows, conflict='"report_id", "step"')


def _write_states(batch: list[_Due]) -> None:
    _bulk.update(ProblemReport, STATE_FIELDS, batch)


@dataclass(frozen=True)
class _EventRow:
    """A ProblemEvent row (core.models.EventBase columns) to insert."""

    report_id: int
    kind: str
    at: datetime
    data: dict[str, Any]
    from_state: str = ""
    to_state: str = ""
    actor_id: int | None = None  # the system acts
    note: str = ""


EVENT_FIELDS = ("report", "kind", "from_state", "to_state", "actor", "at", "note", "data")


def _insert_events(rows: list[_EventRow]) -> None:
    """The events of the steps this run owns, in the kernel's EventBase columns."""
    _bulk.insert(ProblemEvent, EVENT_FIELDS, rows)


def _due_ids(now: datetime) -> list[int]:
    """Ids of the reports with a step due: one range scan of the partial index."""
    return sorted(
        ProblemReport.objects.filter(next_escalation_at__lte=now).values_list("pk", flat=True)
    )


def _batch(now: datetime, ids: list[int]) -> list[_Due]:
    """The reports of ``ids`` still due (a service may have changed one since), locked."""
    qs = ProblemReport.objects.filter(pk__in=ids, next_escalation_at__lte=now).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return [_Due(*row) for row in qs.annotate(responded=_RESPONDED).values_list(*_COLUMNS)]


def _process(
    batch: list[_Due], now: datetime, run: str, result: RunResult, recipients: _Recipients
) -> None:
    planned: dict[int, tuple[clocks.EscalationState, bool, list[int]]] = {}
    rows: list[_StepRow] = []
    for report in batch:
        state = report.state()
        response, levels = clocks.due_steps(state, now)
        planned[report.pk] = (state, response, levels)
        steps = ([Escalation.Step.RESPONSE_LATE] if response else []) + [
            STEP_OF_LEVEL[EscalationLevel(level)] for level in levels
        ]
        rows += [
            _StepRow(report.pk, step, _due_time(report, step), now, run, report.department_id)
            for step in steps
        ]
    _insert_steps(rows)
    owned: dict[int, list[str]] = defaultdict(list)
    for report_id, step in Escalation.objects.filter(
        run=run, report_id__gte=batch[0].pk, report_id__lte=batch[-1].pk
    ).values_list("report_id", "step"):
        owned[report_id].append(step)
    events: list[_EventRow] = []
    # Notices go out per (department, step, assignee): everyone told of one department's
    # step gets one notice listing its problems.
    groups: dict[tuple[int | None, str, int | None], list[_Due]] = defaultdict(list)
    escalated: list[int] = []
    for report in batch:
        state, response, levels = planned[report.pk]
        # The steps exist now (ours or another runner's): the state moves on either way.
        state = clocks.after_steps(state, response, levels)
        report.response_escalated = state.response_escalated
        report.escalation_level = state.escalation_level
        report.next_escalation_at = clocks.next_escalation_at(state)
        report.updated_at = now
        mine = owned.get(report.pk)
        if not mine:
            continue
        escalated.append(report.pk)
        for step in mine:
            result.steps[step] += 1
            due = _due_time(report, step)
            events.append(
                _EventRow(
                    report.pk, EVENT_OF_STEP[step], now, {"step": step, "due": due.isoformat()}
                )
            )
            assignee = report.assignee_id if step == Escalation.Step.REMINDER else None
            groups[(report.department_id, step, assignee)].append(report)
    _insert_events(events)
    _write_states(batch)
    if escalated:
        # One audit row per batch naming every report it escalated (the per-report history
        # is the event rows above): the system acted, once, on these rows.
        audit_record(
            AuditEventType.TRANSITION,
            actor=None,
            object_type=ProblemReport._meta.label_lower,
            object_repr=_("Escalation run %(run)s") % {"run": run[:8]},
            detail={"action": "escalate", "run": run, "reports": escalated, "steps": len(events)},
        )
    _notify_groups(groups, recipients)
    result.escalated_reports += len(escalated)


def escalate_due(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> RunResult:
    """Take every escalation step due at ``now`` (default: now), each exactly once.
    Returns what this run did (steps other runs already took are not counted)."""
    now = now or timezone.now()
    result = RunResult(run=uuid.uuid4().hex)
    recipients = _Recipients()
    ids = _due_ids(now)
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = _batch(now, ids[start : start + batch_size])
            if batch:
                result.examined += len(batch)
                _process(batch, now, result.run, result, recipients)
    return result
