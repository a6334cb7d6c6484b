"""SLA clocks over the official Chinese holiday calendar — plain Python, no Django.

A clock runs from a start moment and consumes a :class:`Budget` in one of three units:

* ``calendar`` — wall-clock time; weekends and holidays count like any other hour.
* ``working_hours`` — time inside the working hours (default 09:00–17:30 Asia/Shanghai,
  8.5 h a day) of working days, counted from the start; a start outside working hours
  begins at the next working period.
* ``working_days`` — "N 个工作日": the day of receipt is not counted and the deadline is
  the end of working hours of the N-th working day after it (民法典 第二百零一条: the
  first day of a period is not counted; 第二百零三条: a period ends when business hours
  end). Internally it is N × the working-day length of working time counted from the
  start of the first working day after the day of receipt, so pauses and extensions work
  the same way in every unit.

A working day is a Monday–Friday that the calendar does not list as a holiday, or a
weekend day the calendar lists as a make-up workday (调休上班). Pauses (the department
waits on the reporter) are intervals that do not count; an open pause (end ``None``)
stops the clock. Approved extensions add to the budget and must have been requested
while time was left. The due time is the first moment at which the counted time reaches
the budget, so ``elapsed(due) == budget``.

Only timezone-aware datetimes are accepted; all arithmetic is done in UTC, results are
given in the working hours' zone. Years the calendar does not cover are treated as
weekends-only and reported in ``Due.uncovered_years`` so that callers can warn.

Cost: one pass over the days spanned (a few µs per day), with the calendar held in memory
as frozensets of dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_HOURS",
    "SHANGHAI",
    "Budget",
    "ClockError",
    "Due",
    "Extension",
    "Pause",
    "Unit",
    "WorkCalendar",
    "WorkingHours",
    "add_working_days",
    "add_working_time",
    "due_at",
    "elapsed",
    "remaining",
    "working_time_between",
]

UTC = UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")
_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
_FOREVER = datetime.max.replace(tzinfo=UTC)
#: A clock that finds no working time for this many days is refused rather than looped on
#: (a calendar that lists every day as a holiday, say).
_MAX_DAYS = 366 * 20


class ClockError(ValueError):
    """Bad input to a clock: a naive datetime, a negative budget, a late extension…"""


class Unit(StrEnum):
    CALENDAR = "calendar"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked: weekdays, minus ``holidays``, plus the make-up ``workdays``.

    ``years`` are the years the calendar's source covers; other years are weekends-only.
    """

    edition: str
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    years: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def weekends_only(cls) -> WorkCalendar:
        """A calendar without holidays: Monday to Friday are worked."""
        return cls(edition="weekends only")

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is worked (a make-up Saturday is, a holiday Monday is not)."""
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def covers(self, day: date) -> bool:
        """Whether the source covers ``day``'s year (otherwise weekends only are known)."""
        return day.year in self.years


@dataclass(frozen=True)
class WorkingHours:
    """The daily working periods in local time of ``tz``, e.g. 09:00–12:00 and 13:30–17:30.

    Periods are within one day, in order and not overlapping.
    """

    periods: tuple[tuple[time, time], ...] = ((time(9, 0), time(17, 30)),)
    tz: tzinfo = SHANGHAI

    def __post_init__(self) -> None:
        if not self.periods:
            raise ClockError("working hours need at least one period")
        previous_end: time | None = None
        for begin, end in self.periods:
            if begin.tzinfo is not None or end.tzinfo is not None:
                raise ClockError("working-hour periods are local times without a zone")
            if not begin < end:
                raise ClockError(f"working-hour period {begin}–{end} must end after it begins")
            if previous_end is not None and begin < previous_end:
                raise ClockError(f"working-hour periods overlap or are out of order at {begin}")
            previous_end = end

    @property
    def day_length(self) -> timedelta:
        """Working time in one working day (8.5 h for 09:00–17:30)."""
        return sum(
            (
                datetime.combine(date.min, e) - datetime.combine(date.min, b)
                for b, e in self.periods
            ),
            _ZERO,
        )


DEFAULT_HOURS = WorkingHours()


@dataclass(frozen=True)
class Budget:
    """How much time a clock allows: a duration (calendar or working hours) or a whole
    number of working days. Build with :meth:`calendar`, :meth:`working_hours`,
    :meth:`working_days`."""

    unit: Unit
    duration: timedelta = _ZERO
    days: int = 0

    def __post_init__(self) -> None:
        if self.duration < _ZERO or self.days < 0:
            raise ClockError(f"a budget cannot be negative: {self}")
        if self.unit is Unit.WORKING_DAYS and self.duration:
            raise ClockError("a working-days budget counts days, not a duration")
        if self.unit is not Unit.WORKING_DAYS and self.days:
            raise ClockError(f"a {self.unit} budget is a duration, not days")

    @classmethod
    def calendar(cls, duration: timedelta) -> Budget:
        return cls(Unit.CALENDAR, duration=duration)

    @classmethod
    def working_hours(cls, duration: timedelta) -> Budget:
        return cls(Unit.WORKING_HOURS, duration=duration)

    @classmethod
    def working_days(cls, days: int) -> Budget:
        return cls(Unit.WORKING_DAYS, days=days)

    def __add__(self, other: Budget) -> Budget:
        if other.unit is not self.unit:
            raise ClockError(f"cannot add a {other.unit} budget to a {self.unit} one: unit differs")
        return Budget(
            self.unit, duration=self.duration + other.duration, days=self.days + other.days
        )

    def measure(self, hours: WorkingHours = DEFAULT_HOURS) -> timedelta:
        """The budget as counted time: working days are whole working-day lengths."""
        if self.unit is Unit.WORKING_DAYS:
            return self.days * hours.day_length
        return self.duration


#: (from, to): the clock does not run in between; ``to`` None means still paused.
Pause = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class Extension:
    """An approved extension of the budget, requested at ``requested_at``."""

    requested_at: datetime
    budget: Budget


@dataclass(frozen=True)
class Due:
    """When a clock runs out. ``at`` is None while an open pause holds budget back;
    ``budget`` includes the extensions; ``uncovered_years`` are years the clock ran
    through that the calendar does not cover (assumed weekends-only)."""

    at: datetime | None
    budget: Budget
    uncovered_years: tuple[int, ...] = ()

    @property
    def exact(self) -> bool:
        """False when part of the clock ran in a year the calendar does not know."""
        return not self.uncovered_years


# --- internals -----------------------------------------------------------------------------


def _utc(moment: datetime, what: str) -> datetime:
    if not isinstance(moment, datetime):
        raise ClockError(f"{what} must be a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ClockError(f"{what} is a naive datetime ({moment.isoformat()}); give a time zone")
    return moment.astimezone(UTC)


def _merged_pauses(pauses: Iterable[Pause]) -> list[tuple[datetime, datetime]]:
    """Pauses in UTC, sorted and merged; an open pause runs to ``_FOREVER``."""
    spans: list[tuple[datetime, datetime]] = []
    for number, (begin, end) in enumerate(pauses, start=1):
        a = _utc(begin, f"pause {number} start")
        b = _FOREVER if end is None else _utc(end, f"pause {number} end")
        if b < a:
            raise ClockError(f"pause {number} ends before it begins ({end} < {begin})")
        spans.append((a, b))
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _working_periods(
    day: date, calendar: WorkCalendar, hours: WorkingHours
) -> Iterator[tuple[datetime, datetime]]:
    """Working periods from ``day`` on, in UTC and in order."""
    for _ in range(_MAX_DAYS):
        if calendar.is_workday(day):
            for begin, end in hours.periods:
                yield (
                    datetime.combine(day, begin, hours.tz).astimezone(UTC),
                    datetime.combine(day, end, hours.tz).astimezone(UTC),
                )
        day += _ONE_DAY
    raise ClockError(f"no working day within {_MAX_DAYS} days of this clock in {calendar.edition}")


def _first_working_day_after(day: date, calendar: WorkCalendar) -> date:
    for _ in range(_MAX_DAYS):
        day += _ONE_DAY
        if calendar.is_workday(day):
            return day
    raise ClockError(f"no working day within {_MAX_DAYS} days in {calendar.edition}")


def _counted(
    start: datetime, unit: Unit, calendar: WorkCalendar, hours: WorkingHours
) -> Iterator[tuple[datetime, datetime]]:
    """The intervals a clock of ``unit`` started at ``start`` (UTC) counts, before pauses."""
    if unit is Unit.CALENDAR:
        yield start, _FOREVER
        return
    if unit is Unit.WORKING_DAYS:
        first = _first_working_day_after(start.astimezone(hours.tz).date(), calendar)
        yield from _working_periods(first, calendar, hours)
        return
    for a, b in _working_periods(start.astimezone(hours.tz).date(), calendar, hours):
        if b > start:
            yield max(a, start), b


def _minus(
    intervals: Iterator[tuple[datetime, datetime]], pauses: Sequence[tuple[datetime, datetime]]
) -> Iterator[tuple[datetime, datetime]]:
    """``intervals`` without the (merged, sorted) ``pauses``; ends at an open pause."""
    i = 0
    for a, b in intervals:
        while a < b:
            while i < len(pauses) and pauses[i][1] <= a:
                i += 1
            if i == len(pauses) or pauses[i][0] >= b:
                yield a, b
                break
            p0, p1 = pauses[i]
            if p0 > a:
                yield a, p0
            if p1 == _FOREVER:
                return  # the clock is stopped for good (until the pause is closed)
            a = p1


def _run(
    start: datetime,
    unit: Unit,
    calendar: WorkCalendar,
    hours: WorkingHours,
    pauses: Sequence[tuple[datetime, datetime]],
) -> Iterator[tuple[datetime, datetime]]:
    return _minus(_counted(start, unit, calendar, hours), pauses)


def _elapsed(
    start: datetime,
    unit: Unit,
    at: datetime,
    calendar: WorkCalendar,
    hours: WorkingHours,
    pauses: Sequence[tuple[datetime, datetime]],
) -> timedelta:
    total = _ZERO
    for a, b in _run(start, unit, calendar, hours, pauses):
        if a >= at:
            break
        total += min(b, at) - a
    return total


def _due(
    start: datetime,
    budget: timedelta,
    unit: Unit,
    calendar: WorkCalendar,
    hours: WorkingHours,
    pauses: Sequence[tuple[datetime, datetime]],
) -> datetime | None:
    if budget <= _ZERO:
        return start
    used = _ZERO
    for a, b in _run(start, unit, calendar, hours, pauses):
        if used + (b - a) >= budget:
            return a + (budget - used)
        used += b - a
    return None


def _uncovered(
    start: datetime, end: datetime, unit: Unit, calendar: WorkCalendar, hours: WorkingHours
) -> tuple[int, ...]:
    if unit is Unit.CALENDAR:
        return ()
    first, last = start.astimezone(hours.tz).year, end.astimezone(hours.tz).year
    return tuple(y for y in range(first, last + 1) if y not in calendar.years)


# --- public API ----------------------------------------------------------------------------


def due_at(
    start: datetime,
    budget: Budget,
    calendar: WorkCalendar,
    *,
    hours: WorkingHours = DEFAULT_HOURS,
    pauses: Iterable[Pause] = (),
    extensions: Iterable[Extension] = (),
) -> Due:
    """When a clock started at ``start`` with ``budget`` runs out, not counting ``pauses``
    and adding ``extensions`` (each must be in the budget's unit and requested while time
    was left, else ClockError)."""
    origin = _utc(start, "start")
    merged = _merged_pauses(pauses)
    total = budget
    for extension in sorted(extensions, key=lambda e: _utc(e.requested_at, "extension request")):
        requested = _utc(extension.requested_at, "extension request")
        if extension.budget.unit is not budget.unit:
            raise ClockError(
                f"extension requested at {extension.requested_at.isoformat()} is in "
                f"{extension.budget.unit}, the clock's unit is {budget.unit}"
            )
        used = _elapsed(origin, budget.unit, requested, calendar, hours, merged)
        if used >= total.measure(hours):
            raise ClockError(
                f"extension requested at {extension.requested_at.isoformat()} came after the "
                "deadline: an extension must be requested before the clock runs out"
            )
        total = total + extension.budget
    at = _due(origin, total.measure(hours), budget.unit, calendar, hours, merged)
    if at is None:
        # Stopped by an open pause: report years up to where the clock stands.
        last_open = merged[-1][0] if merged else origin
        return Due(
            None, total, _uncovered(origin, max(origin, last_open), budget.unit, calendar, hours)
        )
    return Due(at.astimezone(hours.tz), total, _uncovered(origin, at, budget.unit, calendar, hours))


def elapsed(
    start: datetime,
    budget: Budget,
    at: datetime,
    calendar: WorkCalendar,
    *,
    hours: WorkingHours = DEFAULT_HOURS,
    pauses: Iterable[Pause] = (),
) -> timedelta:
    """Counted time of the clock (in ``budget``'s unit) between ``start`` and ``at``;
    zero before the start."""
    return _elapsed(
        _utc(start, "start"), budget.unit, _utc(at, "at"), calendar, hours, _merged_pauses(pauses)
    )


def remaining(
    start: datetime,
    budget: Budget,
    at: datetime,
    calendar: WorkCalendar,
    *,
    hours: WorkingHours = DEFAULT_HOURS,
    pauses: Iterable[Pause] = (),
    extensions: Iterable[Extension] = (),
) -> timedelta:
    """Budget (with ``extensions``) minus the time elapsed at ``at``; negative when overdue."""
    total = budget
    for extension in extensions:
        total = total + extension.budget
    return total.measure(hours) - elapsed(start, budget, at, calendar, hours=hours, pauses=pauses)


def add_working_time(
    start: datetime,
    duration: timedelta,
    calendar: WorkCalendar,
    *,
    hours: WorkingHours = DEFAULT_HOURS,
) -> datetime:
    """The first moment at which ``duration`` of working time has passed since ``start``."""
    at = due_at(start, Budget.working_hours(duration), calendar, hours=hours).at
    assert at is not None  # no pauses, so the clock always runs out
    return at


def add_working_days(
    start: datetime,
    days: int,
    calendar: WorkCalendar,
    *,
    hours: WorkingHours = DEFAULT_HOURS,
) -> datetime:
    """The end of working hours of the ``days``-th working day after ``start``'s day."""
    at = due_at(start, Budget.working_days(days), calendar, hours=hours).at
    assert at is not None
    return at


def working_time_between(
    start: datetime,
    end: datetime,
    calendar: WorkCalendar,
    *,
    hours: WorkingHours = DEFAULT_HOURS,
) -> timedelta:
    """Working time between two moments (zero if ``end`` is not after ``start``)."""
    return elapsed(start, Budget.working_hours(_ZERO), end, calendar, hours=hours)
