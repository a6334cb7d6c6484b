"""SLA clocks over the official holiday calendar (issue 12): the pure maths in
``codes.workcalendar`` and the editioned calendar table loaded by ``load_code_lists``.

Working hours are the default 09:00–17:30 Asia/Shanghai (8.5 h a day) unless a test says
otherwise. Dates checked against chinese-calendar 1.11.0 (the 2024–2026 State Council
notices): 2025-10-01..08 国庆节+中秋 off, 2025-09-28 (Sun) and 2025-10-11 (Sat) worked;
2024-02-04 (Sun) and 2024-02-18 (Sun) worked for the Spring Festival.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techbridge.codes import holidays, selectors
from techbridge.codes.choices import CalendarDayKind
from techbridge.codes.models import WorkCalendarDay, WorkCalendarYear
from techbridge.codes.services import load_code_lists
from techbridge.codes.workcalendar import (
    DEFAULT_HOURS,
    SHANGHAI,
    Budget,
    ClockError,
    Extension,
    Unit,
    WorkCalendar,
    WorkingHours,
    add_working_time,
    due_at,
    elapsed,
    remaining,
    working_time_between,
)


@cache
def official() -> WorkCalendar:
    """The calendar straight from the installed package (what load_codes copies)."""
    return holidays.package_calendar()


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


H = timedelta(hours=1)


# --- Working days and hours across weekends, holidays and make-up days ---------------------


def test_working_hours_skip_the_weekend() -> None:
    # Friday 16:00 + 4 h: 1.5 h on Friday, 2.5 h on Monday from 09:00.
    assert add_working_time(sh(2025, 11, 14, 16), 4 * H, official()) == sh(2025, 11, 17, 11, 30)


def test_working_days_skip_the_weekend_and_not_count_the_day_of_receipt() -> None:
    friday = sh(2025, 11, 14, 10)
    assert due_at(friday, Budget.working_days(1), official()).at == sh(2025, 11, 17, 17, 30)
    assert due_at(friday, Budget.working_days(3), official()).at == sh(2025, 11, 19, 17, 30)
    monday = sh(2025, 11, 17, 9)
    assert due_at(monday, Budget.working_days(1), official()).at == sh(2025, 11, 18, 17, 30)


def test_public_holiday_is_not_worked() -> None:
    # 2025-10-01..08 are off; the first working day after 30 September is Thursday 9 October.
    eve = sh(2025, 9, 30, 10)
    assert due_at(eve, Budget.working_days(1), official()).at == sh(2025, 10, 9, 17, 30)
    late = sh(2025, 9, 30, 16)
    assert add_working_time(late, 3 * H, official()) == sh(2025, 10, 9, 10, 30)


def test_make_up_saturday_and_sunday_are_worked() -> None:
    # 2025-10-11 is a Saturday worked for the National Day holiday.
    friday = sh(2025, 10, 10, 10)
    assert due_at(friday, Budget.working_days(1), official()).at == sh(2025, 10, 11, 17, 30)
    weekends_only = WorkCalendar.weekends_only()
    assert due_at(friday, Budget.working_days(1), weekends_only).at == sh(2025, 10, 13, 17, 30)
    # 2025-09-28 is a Sunday worked: received on Saturday, due at the end of that Sunday.
    saturday = sh(2025, 9, 27, 12)
    assert due_at(saturday, Budget.working_days(1), official()).at == sh(2025, 9, 28, 17, 30)


def test_spring_festival_2024_make_up_sundays() -> None:
    cal = official()
    assert cal.is_workday(date(2024, 2, 4)) and cal.is_workday(date(2024, 2, 18))
    assert not any(cal.is_workday(date(2024, 2, d)) for d in range(10, 18))
    # Friday 2 Feb 2024 16:30 + 2 h: 1 h on Friday, 1 h on the worked Sunday 4 February.
    assert add_working_time(sh(2024, 2, 2, 16, 30), 2 * H, cal) == sh(2024, 2, 4, 10)


def test_working_time_between_counts_only_working_hours() -> None:
    cal = official()
    # Friday 16:00 → Monday 11:30 is 4 working hours; Thursday 9 Oct all day is 8.5 h.
    assert working_time_between(sh(2025, 11, 14, 16), sh(2025, 11, 17, 11, 30), cal) == 4 * H
    assert working_time_between(sh(2025, 9, 30, 17, 30), sh(2025, 10, 9, 23), cal) == 8.5 * H


def test_working_hours_with_a_lunch_break() -> None:
    hours = WorkingHours(periods=((time(9), time(12)), (time(13, 30), time(17, 30))))
    assert hours.day_length == 7 * H
    assert add_working_time(sh(2025, 11, 17, 11), 2 * H, official(), hours=hours) == sh(
        2025, 11, 17, 14, 30
    )
    due = due_at(sh(2025, 11, 17, 11), Budget.working_days(1), official(), hours=hours)
    assert due.at == sh(2025, 11, 18, 17, 30)


def test_working_hours_are_checked() -> None:
    with pytest.raises(ClockError, match="period"):
        WorkingHours(periods=())
    with pytest.raises(ClockError, match="period"):
        WorkingHours(periods=((time(17), time(9)),))
    with pytest.raises(ClockError, match="overlap"):
        WorkingHours(periods=((time(9), time(12)), (time(11), time(14))))


# --- Calendar hours ------------------------------------------------------------------------


def test_calendar_hours_ignore_holidays_and_weekends() -> None:
    start = sh(2025, 9, 30, 20)
    assert due_at(start, Budget.calendar(24 * H), official()).at == sh(2025, 10, 1, 20)
    friday = sh(2025, 11, 14, 18)
    assert due_at(friday, Budget.calendar(24 * H), official()).at == sh(2025, 11, 15, 18)


def test_asia_shanghai_has_no_daylight_saving_and_other_zones_convert() -> None:
    # The same instant given in UTC answers like Shanghai 16:00 on Friday.
    utc_start = datetime(2025, 11, 14, 8, tzinfo=UTC)
    assert add_working_time(utc_start, 4 * H, official()) == sh(2025, 11, 17, 11, 30)
    # 24 calendar hours are 24 real hours even when the caller's zone changes its clocks
    # that night (New York left summer time on 2025-11-02).
    ny = ZoneInfo("America/New_York")
    start = datetime(2025, 11, 1, 12, tzinfo=ny)
    due = due_at(start, Budget.calendar(24 * H), official()).at
    assert due is not None
    assert due.astimezone(UTC) - start.astimezone(UTC) == 24 * H
    assert due.utcoffset() == 8 * H
    assert all(
        datetime.combine(date(2025, 1, 1) + timedelta(days=d), time(9), SHANGHAI).utcoffset()
        == 8 * H
        for d in range(365)
    )


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2025, 11, 17, 9)
    with pytest.raises(ClockError, match="naive"):
        due_at(naive, Budget.working_days(1), official())
    with pytest.raises(ClockError, match="naive"):
        add_working_time(naive, H, official())
    with pytest.raises(ClockError, match="naive"):
        due_at(sh(2025, 11, 17, 9), Budget.calendar(H), official(), pauses=[(naive, None)])
    with pytest.raises(ClockError, match="naive"):
        elapsed(sh(2025, 11, 17, 9), Budget.calendar(H), naive, official())


# --- Pauses and extensions -----------------------------------------------------------------


def test_pause_and_resume_move_the_due_time_by_the_paused_working_time() -> None:
    start = sh(2025, 11, 17, 9)
    budget = Budget.working_hours(8.5 * H)
    assert due_at(start, budget, official()).at == sh(2025, 11, 17, 17, 30)
    # Waiting on the reporter from Monday 10:00 to Tuesday 10:00: 8.5 working hours paused.
    pause = (sh(2025, 11, 17, 10), sh(2025, 11, 18, 10))
    assert due_at(start, budget, official(), pauses=[pause]).at == sh(2025, 11, 18, 17, 30)
    # A calendar clock moves by the paused wall-clock time.
    calendar_due = due_at(start, Budget.calendar(24 * H), official(), pauses=[pause])
    assert calendar_due.at == sh(2025, 11, 19, 9)


def test_a_pause_on_the_day_of_receipt_does_not_move_a_working_day_clock() -> None:
    # That day is not counted anyway (民法典 第二百零一条).
    start = sh(2025, 11, 17, 9)
    pause = (sh(2025, 11, 17, 10), sh(2025, 11, 17, 16))
    due = due_at(start, Budget.working_days(1), official(), pauses=[pause])
    assert due.at == sh(2025, 11, 18, 17, 30)
    into_tuesday = (sh(2025, 11, 17, 10), sh(2025, 11, 18, 12))
    due = due_at(start, Budget.working_days(1), official(), pauses=[into_tuesday])
    assert due.at == sh(2025, 11, 19, 12)


def test_an_open_pause_stops_the_clock() -> None:
    start = sh(2025, 11, 17, 9)
    budget = Budget.working_hours(8.5 * H)
    waiting = (sh(2025, 11, 17, 11), None)
    due = due_at(start, budget, official(), pauses=[waiting])
    assert due.at is None
    later = sh(2025, 12, 1, 12)
    assert elapsed(start, budget, later, official(), pauses=[waiting]) == 2 * H
    assert remaining(start, budget, later, official(), pauses=[waiting]) == 6.5 * H
    # Overdue before the pause began: the deadline stays where it was.
    short = Budget.working_hours(H)
    assert due_at(start, short, official(), pauses=[waiting]).at == sh(2025, 11, 17, 10)


def test_overlapping_pauses_count_once() -> None:
    start = sh(2025, 11, 17, 9)
    pauses = [
        (sh(2025, 11, 17, 10), sh(2025, 11, 17, 12)),
        (sh(2025, 11, 17, 11), sh(2025, 11, 17, 13)),
    ]
    due = due_at(start, Budget.calendar(5 * H), official(), pauses=pauses)
    assert due.at == sh(2025, 11, 17, 17)
    # In any order: 10–11 and 14–15 given late-first still pause 2 h.
    unordered = [
        (sh(2025, 11, 17, 14), sh(2025, 11, 17, 15)),
        (sh(2025, 11, 17, 10), sh(2025, 11, 17, 11)),
    ]
    assert due_at(start, Budget.calendar(5 * H), official(), pauses=unordered).at == sh(
        2025, 11, 17, 16
    )
    with pytest.raises(ClockError, match="ends before"):
        due_at(start, Budget.calendar(H), official(), pauses=[(sh(2025, 11, 17, 12), start)])


def test_extension_requested_before_the_deadline_adds_to_the_budget() -> None:
    start = sh(2025, 11, 17, 10)
    budget = Budget.working_days(3)
    assert due_at(start, budget, official()).at == sh(2025, 11, 20, 17, 30)
    extension = Extension(requested_at=sh(2025, 11, 20, 12), budget=Budget.working_days(2))
    due = due_at(start, budget, official(), extensions=[extension])
    assert due.at == sh(2025, 11, 24, 17, 30)
    assert due.budget == Budget.working_days(5)


def test_extension_requested_at_or_after_the_deadline_is_refused() -> None:
    start = sh(2025, 11, 17, 10)
    budget = Budget.working_days(3)
    for late in (sh(2025, 11, 20, 17, 30), sh(2025, 11, 21, 9)):
        extension = Extension(requested_at=late, budget=Budget.working_days(2))
        with pytest.raises(ClockError, match="after the deadline"):
            due_at(start, budget, official(), extensions=[extension])
    # A pause moves the deadline, so a request made later may still be in time.
    pause = (sh(2025, 11, 18, 9), sh(2025, 11, 19, 9))
    extension = Extension(requested_at=sh(2025, 11, 21, 9), budget=Budget.working_days(2))
    due = due_at(start, budget, official(), pauses=[pause], extensions=[extension])
    assert due.at == sh(2025, 11, 25, 17, 30)
    wrong_unit = Extension(requested_at=sh(2025, 11, 18, 9), budget=Budget.calendar(H))
    with pytest.raises(ClockError, match="unit"):
        due_at(start, budget, official(), extensions=[wrong_unit])


def test_elapsed_and_remaining_at_a_moment() -> None:
    start = sh(2025, 11, 14, 16)
    budget = Budget.working_hours(4 * H)
    cal = official()
    assert elapsed(start, budget, sh(2025, 11, 15, 12), cal) == 1.5 * H
    assert remaining(start, budget, sh(2025, 11, 15, 12), cal) == 2.5 * H
    assert remaining(start, budget, sh(2025, 11, 17, 12, 30), cal) == -H  # overdue by 1 h
    assert elapsed(start, budget, sh(2025, 11, 1), cal) == timedelta(0)  # before the start


# --- Years the calendar does not cover -----------------------------------------------------


def test_years_outside_the_calendar_are_flagged() -> None:
    cal = official()
    assert cal.covers(date(2025, 10, 1)) and not cal.covers(date(2027, 1, 4))
    inside = due_at(sh(2025, 11, 17, 9), Budget.working_days(3), cal)
    assert inside.exact and inside.uncovered_years == ()
    across = due_at(sh(2026, 12, 30, 9), Budget.working_days(5), cal)
    assert across.uncovered_years == (2027,) and not across.exact
    # Weekends only in 2027 (its holidays are not in this edition yet).
    assert across.at == sh(2027, 1, 6, 17, 30)
    assert due_at(sh(2026, 12, 30, 9), Budget.calendar(72 * H), cal).exact


def test_budgets_are_checked() -> None:
    with pytest.raises(ClockError):
        Budget.working_days(-1)
    with pytest.raises(ClockError):
        Budget.calendar(-H)
    assert Budget.working_days(2) + Budget.working_days(3) == Budget.working_days(5)
    with pytest.raises(ClockError, match="unit"):
        Budget.working_days(2) + Budget.calendar(H)
    assert Budget.working_days(1).unit is Unit.WORKING_DAYS


def test_a_year_of_working_days_is_fast() -> None:
    import time as clock

    cal = official()
    start = sh(2025, 1, 2, 10)
    pauses = [(sh(2025, m, 10, 9), sh(2025, m, 12, 9)) for m in range(1, 13)]
    began = clock.perf_counter()
    for _ in range(20):
        due = due_at(start, Budget.working_days(260), cal, pauses=pauses)
    per_call = (clock.perf_counter() - began) / 20
    assert due.at is not None and due.at.year == 2026
    assert per_call < 0.02  # generous for a shared CI machine; typically ~1 ms


# --- Properties ----------------------------------------------------------------------------

_BASE = sh(2025, 1, 1)
_moments = st.integers(min_value=0, max_value=2 * 365 * 24 * 60).map(
    lambda minutes: _BASE + timedelta(minutes=minutes)
)
_budgets = st.one_of(
    st.integers(min_value=0, max_value=40).map(Budget.working_days),
    st.integers(min_value=0, max_value=300 * 60).map(
        lambda m: Budget.working_hours(timedelta(minutes=m))
    ),
    st.integers(min_value=0, max_value=2000 * 60).map(
        lambda m: Budget.calendar(timedelta(minutes=m))
    ),
)
_pause = st.tuples(
    st.integers(min_value=-3 * 24 * 60, max_value=60 * 24 * 60),
    st.one_of(st.none(), st.integers(min_value=0, max_value=20 * 24 * 60)),
)


def _pauses_from(
    start: datetime, raw: list[tuple[int, int | None]]
) -> list[tuple[datetime, datetime | None]]:
    return [
        (start + timedelta(minutes=a), None if n is None else start + timedelta(minutes=a + n))
        for a, n in raw
    ]


@settings(max_examples=200, deadline=None)
@given(start=_moments, budget=_budgets, raw=st.lists(_pause, max_size=3), extra=_pause)
def test_adding_a_pause_never_moves_the_due_time_earlier(
    start: datetime,
    budget: Budget,
    raw: list[tuple[int, int | None]],
    extra: tuple[int, int | None],
) -> None:
    pauses = _pauses_from(start, raw)
    before = due_at(start, budget, official(), pauses=pauses).at
    more = [*pauses, *_pauses_from(start, [extra])]
    after = due_at(start, budget, official(), pauses=more).at
    assert due_at(start, budget, official(), pauses=more[::-1]).at == after  # order is irrelevant
    if before is None:
        assert after is None  # stopped clocks stay stopped
    else:
        assert after is None or after >= before


@settings(max_examples=200, deadline=None)
@given(
    start=_moments,
    budget=_budgets,
    more=st.integers(min_value=0, max_value=30),
    raw=st.lists(_pause, max_size=2),
)
def test_the_due_time_is_monotone_in_the_budget(
    start: datetime, budget: Budget, more: int, raw: list[tuple[int, int | None]]
) -> None:
    bigger = budget + (
        Budget.working_days(more)
        if budget.unit is Unit.WORKING_DAYS
        else Budget(budget.unit, duration=timedelta(hours=more))
    )
    pauses = _pauses_from(start, raw)
    small = due_at(start, budget, official(), pauses=pauses).at
    large = due_at(start, bigger, official(), pauses=pauses).at
    if small is None:
        assert large is None
    elif large is not None:
        assert large >= small


@settings(max_examples=200, deadline=None)
@given(start=_moments, budget=_budgets, raw=st.lists(_pause, max_size=3))
def test_elapsed_at_the_due_time_is_the_budget(
    start: datetime, budget: Budget, raw: list[tuple[int, int | None]]
) -> None:
    pauses = _pauses_from(start, raw)
    due = due_at(start, budget, official(), pauses=pauses)
    if due.at is None:
        return
    used = elapsed(start, budget, due.at, official(), pauses=pauses)
    assert used == budget.measure(DEFAULT_HOURS)
    assert remaining(start, budget, due.at, official(), pauses=pauses) == timedelta(0)
    if due.at > start and budget.measure(DEFAULT_HOURS) > timedelta(0):
        # ... and it is the first such moment.
        just_before = due.at - timedelta(microseconds=1)
        assert elapsed(start, budget, just_before, official(), pauses=pauses) < used


# --- The editioned table -------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_the_calendar_twice_changes_nothing_and_keeps_the_edition() -> None:
    edition = holidays.installed_edition()
    assert edition.startswith("chinese-calendar ")
    first = load_code_lists(only=["calendar_years", "calendar_days"])
    assert first["calendar_years"].created == len(holidays.years()) >= 20
    assert first["calendar_days"].created > 500
    counts = (WorkCalendarYear.objects.count(), WorkCalendarDay.objects.count())
    second = load_code_lists(only=["calendar_years", "calendar_days"])
    assert {(r.created, r.updated, r.stale) for r in second.values()} == {(0, 0, 0)}
    assert (WorkCalendarYear.objects.count(), WorkCalendarDay.objects.count()) == counts
    assert set(WorkCalendarDay.objects.values_list("edition", flat=True)) == {edition}
    year = WorkCalendarYear.objects.get(edition=edition, year=2025)
    assert "国务院办公厅关于2025年部分节假日安排的通知" in year.source
    national_day = WorkCalendarDay.objects.get(edition=edition, date=date(2025, 10, 1))
    assert (national_day.kind, national_day.name_zh) == (CalendarDayKind.HOLIDAY, "国庆节")
    makeup = WorkCalendarDay.objects.get(edition=edition, date=date(2025, 10, 11))
    assert makeup.kind == CalendarDayKind.WORKDAY


@pytest.mark.django_db
def test_the_selector_reads_the_loaded_edition() -> None:
    with pytest.raises(LookupError, match="load-codes"):
        selectors.work_calendar()
    load_code_lists(only=["calendar_years", "calendar_days"])
    cal = selectors.work_calendar()
    assert cal == official()
    assert cal.edition == holidays.installed_edition()
    assert all(not cal.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert cal.is_workday(date(2025, 9, 28)) and cal.is_workday(date(2025, 10, 11))
    assert cal.is_workday(date(2024, 2, 4)) and cal.is_workday(date(2024, 2, 18))
    assert not cal.is_workday(date(2025, 11, 15)) and cal.is_workday(date(2025, 11, 17))
    assert min(cal.years) == 2004 and 2026 in cal.years and not cal.covers(date(2027, 1, 1))
    assert selectors.work_calendar(edition=cal.edition) is cal  # cached per process
