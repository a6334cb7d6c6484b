"""The SLA clocks of a problem report, over the working-day calendar.

All clock maths is ``codes.workcalendar`` (plain Python, property-tested there); this
module only turns a report's snapshot of its policy, its pauses and its approved
extensions into the due times stored on the row, and decides when the next escalation
step is due. Nothing here writes.

* Response clock (first response / callback): from ``reported_at``, no pauses — a callback
  does not wait for the reporter.
* Resolution clock: from ``reported_at``, not counting the pauses (department waits on the
  reporter), plus the approved extensions. It is not reset on reopening: the time the
  problem stood "resolved" before the reporter reopened it counts (ADR 0010).
* Reminder: when ``reminder_percent`` of the resolution clock (with extensions) has run,
  counted in the clock's own time (working time for working-hour and working-day clocks).
* Second level: ``second_level_amount`` after the resolution deadline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from techbridge.codes import selectors as code_selectors
from techbridge.codes.workcalendar import (
    DEFAULT_HOURS,
    Budget,
    Extension,
    Pause,
    Unit,
    WorkCalendar,
    add_working_days,
    due_at,
    elapsed,
)

if TYPE_CHECKING:
    from techbridge.supervision.models import ProblemReport

logger = logging.getLogger(__name__)

WEEKENDS_ONLY = WorkCalendar.weekends_only().edition


def current_calendar() -> WorkCalendar:
    """The official calendar new reports are timed with; weekends-only (with a warning)
    when the calendar has not been loaded, so a report is never refused for it."""
    try:
        return code_selectors.work_calendar()
    except LookupError:
        logger.warning("holiday calendar not loaded (techbridge load-codes): weekends only")
        return WorkCalendar.weekends_only()


def calendar_for(edition: str) -> WorkCalendar:
    """The calendar edition a report was timed with (re-timing keeps its answers)."""
    if edition == WEEKENDS_ONLY:
        return WorkCalendar.weekends_only()
    try:
        return code_selectors.work_calendar(edition=edition)
    except LookupError:
        logger.warning("holiday calendar edition %s not loaded: weekends only", edition)
        return WorkCalendar.weekends_only()


def budget(unit: str, amount: int) -> Budget:
    """``amount`` whole hours (calendar or working) or working days."""
    kind = Unit(unit)
    if kind is Unit.WORKING_DAYS:
        return Budget.working_days(amount)
    if kind is Unit.CALENDAR:
        return Budget.calendar(timedelta(hours=amount))
    return Budget.working_hours(timedelta(hours=amount))


@dataclass(frozen=True)
class ClockSpec:
    """A report's snapshot of its policy (the fields of the same names)."""

    response_unit: str
    response_amount: int
    resolution_unit: str
    resolution_amount: int
    reminder_percent: int
    second_level_unit: str
    second_level_amount: int

    @classmethod
    def of(cls, report: ProblemReport) -> ClockSpec:
        return cls(
            report.response_unit,
            report.response_amount,
            report.resolution_unit,
            report.resolution_amount,
            report.reminder_percent,
            report.second_level_unit,
            report.second_level_amount,
        )


@dataclass(frozen=True)
class Timing:
    """The stored due times; the resolution ones are None while a pause is open."""

    response_due_at: datetime
    remind_at: datetime | None
    resolution_due_at: datetime | None
    second_level_at: datetime | None


def _reminder(
    reported_at: datetime,
    total: Budget,
    percent: int,
    calendar: WorkCalendar,
    pauses: Sequence[Pause],
) -> datetime | None:
    part = total.measure(DEFAULT_HOURS) * percent / 100
    if total.unit is Unit.CALENDAR:
        return due_at(reported_at, Budget.calendar(part), calendar, pauses=pauses).at
    origin = reported_at
    if total.unit is Unit.WORKING_DAYS:
        # A working-days clock counts from the first working day after the day of
        # receipt; count the reminder's working time from that day's first hour.
        first_end = add_working_days(reported_at, 1, calendar)
        first_day = first_end.astimezone(DEFAULT_HOURS.tz).date()
        origin = datetime.combine(first_day, DEFAULT_HOURS.periods[0][0], DEFAULT_HOURS.tz)
    return due_at(origin, Budget.working_hours(part), calendar, pauses=pauses).at


def timing(
    spec: ClockSpec,
    *,
    reported_at: datetime,
    calendar: WorkCalendar,
    pauses: Sequence[Pause] = (),
    extensions: Sequence[Extension] = (),
) -> Timing:
    """Due times of a report filed at ``reported_at`` with ``spec``, ``pauses`` (an open
    one stops the resolution clock) and approved ``extensions`` (in the resolution unit,
    each requested before the deadline, else workcalendar.ClockError)."""
    response = due_at(reported_at, budget(spec.response_unit, spec.response_amount), calendar)
    assert response.at is not None  # no pauses: the response clock always runs out
    base = budget(spec.resolution_unit, spec.resolution_amount)
    resolution = due_at(reported_at, base, calendar, pauses=pauses, extensions=extensions)
    if resolution.at is None:
        return Timing(response.at, None, None, None)
    remind = _reminder(reported_at, resolution.budget, spec.reminder_percent, calendar, pauses)
    second = due_at(
        resolution.at, budget(spec.second_level_unit, spec.second_level_amount), calendar
    ).at
    return Timing(response.at, remind, resolution.at, second)


def extension_budgets(unit: str, rows: Iterable[tuple[datetime, int]]) -> list[Extension]:
    """(requested_at, amount) of approved extensions as workcalendar Extensions."""
    return [Extension(requested_at=at, budget=budget(unit, amount)) for at, amount in rows]


def resolution_time_used(
    spec: ClockSpec,
    *,
    reported_at: datetime,
    at: datetime,
    calendar: WorkCalendar,
    pauses: Sequence[Pause] = (),
) -> timedelta:
    """Counted resolution time at ``at`` (pauses excluded), in the clock's own time."""
    base = budget(spec.resolution_unit, spec.resolution_amount)
    return elapsed(reported_at, base, at, calendar, pauses=pauses)


def resolution_budget_measure(spec: ClockSpec, extra: Iterable[int] = ()) -> timedelta:
    """The resolution budget with ``extra`` extension amounts, as counted time."""
    total = budget(spec.resolution_unit, spec.resolution_amount)
    for amount in extra:
        total = total + budget(spec.resolution_unit, amount)
    return total.measure(DEFAULT_HOURS)


# --- escalation steps -------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationState:
    """What the next-step rule reads (the fields of the same names on a report)."""

    is_open: bool
    responded: bool
    response_escalated: bool
    escalation_level: int
    response_due_at: datetime
    remind_at: datetime | None
    resolution_due_at: datetime | None
    second_level_at: datetime | None

    @classmethod
    def of(cls, report: Any) -> EscalationState:
        """From a report, or anything with its fields (the job reads plain rows)."""
        return cls(
            is_open=report.is_open,
            responded=report.responded_at is not None,
            response_escalated=report.response_escalated,
            escalation_level=report.escalation_level,
            response_due_at=report.response_due_at,
            remind_at=report.remind_at,
            resolution_due_at=report.resolution_due_at,
            second_level_at=report.second_level_at,
        )


# Resolution steps in order, as (level, field of the state holding its time).
REMINDER, SUPERVISION, SECOND_LEVEL = 1, 2, 3


def pending_resolution_step(state: EscalationState) -> tuple[int, datetime] | None:
    """The next resolution step not yet taken and its time (None: none pending)."""
    if not state.is_open or state.resolution_due_at is None:
        return None
    if state.escalation_level < REMINDER and state.remind_at is not None:
        return REMINDER, state.remind_at
    if state.escalation_level < SUPERVISION:
        return SUPERVISION, state.resolution_due_at
    if state.escalation_level < SECOND_LEVEL and state.second_level_at is not None:
        return SECOND_LEVEL, state.second_level_at
    return None


def next_escalation_at(state: EscalationState) -> datetime | None:
    """When the job must look at the report next: the earliest pending step."""
    times = []
    if state.is_open and not state.responded and not state.response_escalated:
        times.append(state.response_due_at)
    step = pending_resolution_step(state)
    if step is not None:
        times.append(step[1])
    return min(times) if times else None


def due_steps(state: EscalationState, now: datetime) -> tuple[bool, list[int]]:
    """The steps to take at ``now``: (response overdue?, resolution levels in order).
    A reminder whose deadline has passed too is skipped (a missed run catches up with
    the notices that still mean something); 督办 and its second level are both taken."""
    response = (
        state.is_open
        and not state.responded
        and not state.response_escalated
        and state.response_due_at <= now
    )
    levels: list[int] = []
    if state.is_open and state.resolution_due_at is not None:
        level = state.escalation_level
        if state.resolution_due_at <= now:
            if level < SUPERVISION:
                levels.append(SUPERVISION)
            if (
                level < SECOND_LEVEL
                and state.second_level_at is not None
                and state.second_level_at <= now
            ):
                levels.append(SECOND_LEVEL)
        elif level < REMINDER and state.remind_at is not None and state.remind_at <= now:
            levels.append(REMINDER)
    return response, levels


def after_steps(state: EscalationState, response: bool, levels: Sequence[int]) -> EscalationState:
    """The state once ``response`` / ``levels`` are taken."""
    return replace(
        state,
        response_escalated=state.response_escalated or response,
        escalation_level=max([state.escalation_level, *levels]),
    )
