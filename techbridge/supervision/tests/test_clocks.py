"""SLA clocks of problem reports over the official calendar (issue 12 acceptance): across a
weekend, a public holiday, a make-up Saturday, a pause and an extension — as computed by
``supervision.clocks`` and as stored on the report by the services — and the property that
adding a pause never moves a due time earlier.

Calendar facts (chinese-calendar, State Council notice for 2025): 2025-10-01..08 off for
National Day and Mid-Autumn; Sunday 2025-09-28 and Saturday 2025-10-11 are worked.
Working hours 09:00–17:30 Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given, settings
from hypothesis import strategies as st

from techbridge.codes import holidays
from techbridge.codes.workcalendar import WorkCalendar
from techbridge.core.exceptions import TransitionError
from techbridge.supervision import clocks, services
from techbridge.supervision.models import ClockUnit
from techbridge.supervision.tests.conftest import sh

H = dt.timedelta(hours=1)
NORMAL = clocks.ClockSpec(
    ClockUnit.WORKING_DAYS, 1, ClockUnit.WORKING_DAYS, 3, 75, ClockUnit.WORKING_DAYS, 1
)
URGENT = clocks.ClockSpec(ClockUnit.CALENDAR, 1, ClockUnit.CALENDAR, 24, 75, ClockUnit.CALENDAR, 24)


@cache
def official() -> WorkCalendar:
    return holidays.package_calendar()


def timing(spec: clocks.ClockSpec, start: dt.datetime, **kw) -> clocks.Timing:
    return clocks.timing(spec, reported_at=start, calendar=official(), **kw)


# --- the clock maths (no database) ---------------------------------------------------------


def test_working_days_skip_the_weekend() -> None:
    t = timing(NORMAL, sh(2025, 11, 14, 10))  # Friday
    assert t.response_due_at == sh(2025, 11, 17, 17, 30)  # Monday, end of day
    assert t.resolution_due_at == sh(2025, 11, 19, 17, 30)  # Mon, Tue, Wed
    # Reminder at 75 % of 3 × 8.5 h of working time counted from Monday 09:00.
    assert t.remind_at == sh(2025, 11, 19, 11, 7) + dt.timedelta(seconds=30)
    assert t.second_level_at == sh(2025, 11, 20, 17, 30)


def test_public_holiday_is_skipped_and_the_make_up_saturday_counts() -> None:
    t = timing(NORMAL, sh(2025, 9, 30, 10))  # the eve of National Day
    assert t.response_due_at == sh(2025, 10, 9, 17, 30)  # 1–8 October off
    assert t.resolution_due_at == sh(2025, 10, 11, 17, 30)  # Thu 9, Fri 10, Sat 11 (worked)


def test_make_up_sunday_before_the_holiday_is_a_working_day() -> None:
    t = timing(NORMAL, sh(2025, 9, 26, 10))  # Friday
    assert t.response_due_at == sh(2025, 9, 28, 17, 30)  # Sunday 28 September is worked
    assert t.resolution_due_at == sh(2025, 9, 30, 17, 30)  # Sun 28, Mon 29, Tue 30


def test_urgent_calendar_clock_runs_through_the_holiday() -> None:
    t = timing(URGENT, sh(2025, 10, 1, 10))
    assert t.response_due_at == sh(2025, 10, 1, 11)
    assert t.resolution_due_at == sh(2025, 10, 2, 10)
    assert t.remind_at == sh(2025, 10, 2, 4)
    assert t.second_level_at == sh(2025, 10, 3, 10)


def test_a_pause_moves_the_deadline_by_the_working_time_it_held() -> None:
    start = sh(2025, 11, 14, 10)
    paused = timing(NORMAL, start, pauses=[(sh(2025, 11, 17, 9), sh(2025, 11, 18, 9))])
    assert paused.resolution_due_at == sh(2025, 11, 20, 17, 30)  # one working day later
    # A pause over the weekend holds no working time.
    weekend = timing(NORMAL, start, pauses=[(sh(2025, 11, 15, 9), sh(2025, 11, 16, 20))])
    assert weekend.resolution_due_at == sh(2025, 11, 19, 17, 30)
    # An open pause stops the clock: no deadline until it ends; the response clock runs.
    open_ = timing(NORMAL, start, pauses=[(sh(2025, 11, 17, 12), None)])
    assert open_.resolution_due_at is None and open_.remind_at is None
    assert open_.response_due_at == sh(2025, 11, 17, 17, 30)


def test_an_extension_adds_working_days_across_the_weekend() -> None:
    start = sh(2025, 11, 14, 10)
    extended = timing(
        NORMAL,
        start,
        extensions=clocks.extension_budgets(ClockUnit.WORKING_DAYS, [(sh(2025, 11, 19, 9), 2)]),
    )
    assert extended.resolution_due_at == sh(2025, 11, 21, 17, 30)  # Wed + Thu, Fri
    more = timing(
        NORMAL,
        start,
        extensions=clocks.extension_budgets(ClockUnit.WORKING_DAYS, [(sh(2025, 11, 19, 9), 3)]),
    )
    assert more.resolution_due_at == sh(2025, 11, 24, 17, 30)  # … and Monday


# --- stored on the report by the services ----------------------------------------------------


def test_report_stores_its_due_times_and_retimes_on_pause_and_reply(world, file_report) -> None:
    report = file_report(urgency="normal", now=sh(2025, 11, 14, 10))
    assert report.resolution_due_at == sh(2025, 11, 19, 17, 30)
    assert report.next_escalation_at == sh(2025, 11, 17, 17, 30)  # the response deadline
    report = services.report_accept(
        actor=world.handler, report=report, note="已电话回访", now=sh(2025, 11, 17, 8, 30)
    )
    assert report.next_escalation_at == report.remind_at
    report = services.report_wait(
        actor=world.handler, report=report, reason="请提供用电申请表", now=sh(2025, 11, 17, 9)
    )
    report.refresh_from_db()
    assert report.status == "waiting"
    assert report.resolution_due_at is None and report.next_escalation_at is None
    report = services.report_reply(
        actor=world.personas.owner, report=report, message="已上传申请表", now=sh(2025, 11, 18, 9)
    )
    report.refresh_from_db()
    assert report.status == "in_progress"
    assert report.resolution_due_at == sh(2025, 11, 20, 17, 30)
    assert report.second_level_at == sh(2025, 11, 21, 17, 30)


def test_extension_before_the_deadline_approved_by_another_person(world, file_report) -> None:
    report = file_report(urgency="urgent", now=sh(2025, 10, 10, 10))
    assert report.resolution_due_at == sh(2025, 10, 11, 10)
    services.report_accept(
        actor=world.head, report=report, note="已回访", now=sh(2025, 10, 10, 10, 20)
    )
    # The head of the department asks (the head is one of its handlers) …
    request = services.extension_request(
        actor=world.head, report=report, amount=12, reason="需更换变压器", now=sh(2025, 10, 11, 8)
    )
    # … and may not approve it; a handler (of this or another department) may not either.
    with pytest.raises(TransitionError):
        services.extension_decide(actor=world.head, request=request, approve=True)
    for someone in (world.handler, world.permits_handler):
        with pytest.raises(PermissionDenied):
            services.extension_decide(actor=someone, request=request, approve=True)
    # The supervising office decides, after the old deadline has passed.
    services.extension_decide(
        actor=world.office_head, request=request, approve=True, now=sh(2025, 10, 11, 11)
    )
    report.refresh_from_db()
    assert report.resolution_due_at == sh(2025, 10, 11, 22)
    assert report.second_level_at == sh(2025, 10, 12, 22)


def test_extension_after_the_deadline_is_refused(world, file_report) -> None:
    report = file_report(urgency="urgent", now=sh(2025, 10, 10, 10))
    services.report_accept(
        actor=world.handler, report=report, note="已回访", now=sh(2025, 10, 10, 10, 20)
    )
    with pytest.raises(TransitionError):
        services.extension_request(
            actor=world.handler,
            report=report,
            amount=4,
            reason="太晚了",
            now=sh(2025, 10, 11, 10, 1),
        )
    assert report.extensions.count() == 0


def test_time_spent_waiting_does_not_count_towards_the_extension_deadline(
    world, file_report
) -> None:
    report = file_report(urgency="urgent", now=sh(2025, 10, 10, 10))
    services.report_accept(
        actor=world.handler, report=report, note="ok", now=sh(2025, 10, 10, 10, 5)
    )
    services.report_wait(
        actor=world.handler, report=report, reason="等资料", now=sh(2025, 10, 10, 12)
    )
    # 30 calendar hours after filing, but only 2 counted: more time may still be asked.
    services.extension_request(
        actor=world.handler, report=report, amount=6, reason="资料不全", now=sh(2025, 10, 11, 16)
    )
    assert report.extensions.count() == 1


# --- property: a pause never makes a deadline earlier ----------------------------------------

_moments = st.datetimes(min_value=dt.datetime(2025, 1, 2), max_value=dt.datetime(2026, 11, 30)).map(
    lambda d: d.replace(tzinfo=sh(2025, 1, 1).tzinfo, second=0, microsecond=0)
)
_specs = st.builds(
    clocks.ClockSpec,
    response_unit=st.sampled_from(ClockUnit.values),
    response_amount=st.integers(1, 48),
    resolution_unit=st.sampled_from(ClockUnit.values),
    resolution_amount=st.integers(1, 30),
    reminder_percent=st.integers(1, 99),
    second_level_unit=st.sampled_from(ClockUnit.values),
    second_level_amount=st.integers(1, 10),
)
_spans = st.tuples(st.integers(0, 30 * 24 * 60), st.integers(0, 5 * 24 * 60))


def _pause(start: dt.datetime, span: tuple[int, int]) -> tuple[dt.datetime, dt.datetime]:
    begin = start + dt.timedelta(minutes=span[0])
    return begin, begin + dt.timedelta(minutes=span[1])


@settings(max_examples=300, deadline=None)
@given(spec=_specs, start=_moments, spans=st.lists(_spans, max_size=3), extra=_spans)
def test_adding_a_pause_never_moves_a_due_time_earlier(spec, start, spans, extra) -> None:
    pauses = [_pause(start, s) for s in spans]
    before = timing(spec, start, pauses=pauses)
    after = timing(spec, start, pauses=[*pauses, _pause(start, extra)])
    assert after.response_due_at == before.response_due_at  # the response clock never pauses
    for name in ("resolution_due_at", "remind_at", "second_level_at"):
        old, new = getattr(before, name), getattr(after, name)
        assert old is not None and new is not None
        assert new >= old, name
    assert before.remind_at <= before.resolution_due_at <= before.second_level_at
