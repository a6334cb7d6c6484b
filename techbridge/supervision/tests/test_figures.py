"""The supervision figures per department and period: response rate, on-time resolution
rate (按时办结率 = closed on time / due), average times, satisfaction and reopen rates — and
the pages that show them with a server-rendered chart."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from techbridge.supervision import selectors, services
from techbridge.supervision.tests.conftest import sh

START, END = sh(2025, 10, 1), sh(2025, 11, 1)
NOW = sh(2025, 10, 20, 12)


def _scenario(world, file_report):
    """Four urgent power problems (1 h callback, 24 h resolution) filed in October."""
    h = world.handler
    on_time = file_report(now=sh(2025, 10, 10, 10))
    services.report_accept(actor=h, report=on_time, note="ok", now=sh(2025, 10, 10, 10, 30))
    services.report_resolve(actor=h, report=on_time, note="done", now=sh(2025, 10, 10, 16))
    services.report_rate(actor=world.personas.owner, report=on_time, rating=5)
    late = file_report(now=sh(2025, 10, 12, 10))
    services.report_accept(actor=h, report=late, note="ok", now=sh(2025, 10, 12, 13))
    services.report_resolve(actor=h, report=late, note="done", now=sh(2025, 10, 14, 10))
    services.report_reopen(
        actor=world.personas.owner, report=late, reason="no", now=sh(2025, 10, 14, 11)
    )
    services.report_resolve(actor=h, report=late, note="done again", now=sh(2025, 10, 15, 10))
    services.report_rate(actor=world.personas.owner, report=late, rating=2)
    overdue = file_report(now=sh(2025, 10, 15, 10))  # never answered
    fresh = file_report(now=sh(2025, 10, 20, 11, 30))  # callback due 12:30, solve tomorrow
    elsewhere = file_report(category="permits", now=sh(2025, 10, 16, 10))
    file_report(now=sh(2025, 9, 30, 10))  # outside the period
    return on_time, late, overdue, fresh, elsewhere


def test_figures_per_department(world, file_report) -> None:
    _scenario(world, file_report)
    rows = {
        r.name: r
        for r in selectors.department_figures(world.personas.staff, start=START, end=END, now=NOW)
    }
    power = rows[world.power.name]
    assert power.reported == 4
    # Response: due for on_time, late, overdue (fresh's 12:30 deadline is still ahead).
    assert (power.responded_on_time, power.response_due) == (1, 3)
    assert power.response_rate == Decimal("33.33")
    # Resolution: due = the two resolved + the overdue one; on time = 1.
    assert (power.closed_on_time, power.resolution_due) == (1, 3)
    assert power.on_time_rate == Decimal("33.33")
    # Averages (calendar hours): respond (0.5 + 3) / 2; resolve (6 + 72) / 2.
    assert power.avg_response_hours == Decimal("1.8")
    assert power.avg_resolution_hours == Decimal("39.0")
    assert (power.satisfied, power.rated, power.satisfaction_rate) == (1, 2, Decimal("50.00"))
    assert (power.reopened, power.resolved_ever, power.reopen_rate) == (1, 2, Decimal("50.00"))
    permits = rows[world.permits.name]
    assert permits.reported == 1 and permits.on_time_rate == Decimal("0.00")
    total = selectors.totals(list(rows.values()))
    assert total is not None and total.reported == 5 and total.resolution_due == 4


def test_a_handler_gets_the_figures_of_their_department_only(world, file_report) -> None:
    _scenario(world, file_report)
    names = [
        r.name for r in selectors.department_figures(world.handler, start=START, end=END, now=NOW)
    ]
    assert names == [world.power.name]


def test_the_pages_show_time_left_overdue_and_a_chart(world, file_report) -> None:
    _, _, overdue, fresh, _ = _scenario(world, file_report)
    staff = world.client(world.personas.staff)
    figures = staff.get("/supervision/figures/", {"start": "2025-10-01", "end": "2025-10-31"})
    text = figures.content.decode()
    assert figures.status_code == 200
    assert "<svg" in text and re.findall(r"<script(?![^>]*\bsrc=)", text) == []  # CSP
    # Seen from today (long after October 2025) all four power problems are due: 1 of 4.
    assert "25.00%" in text
    board = staff.get("/supervision/board/").content.decode()
    assert overdue.number in board and world.power.name in board
    page = staff.get("/supervision/overdue/").content.decode()
    assert overdue.number in page and fresh.number in page  # both past their deadlines today


def test_pages_render_for_every_role_that_has_them(world, file_report) -> None:
    report = file_report()
    services.escalate_due(now=report.resolution_due_at + dt.timedelta(minutes=1))
    detail = world.client(world.personas.staff).get(report.get_absolute_url()).content.decode()
    assert "督办" in detail  # the escalation is visible on the report page
    for user in (world.personas.owner, world.personas.staff, world.handler, world.station):
        assert world.client(user).get("/supervision/problems/").status_code == 200
    for user in (world.personas.owner, world.station, world.officer):
        assert world.client(user).get("/supervision/problems/new/").status_code == 200
    assert world.client(world.handler).get("/supervision/problems/new/").status_code == 403
