"""KPI arithmetic: exact percentages rounded half-up, the started definition, groups that
add up to the total, period activity and the overdue lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from techbridge.projects import kpis, services
from techbridge.projects.briefing import in_yi, monthly_briefing
from techbridge.projects.models import Project


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (97, 106, "91.51"),
        (1, 800, "0.13"),  # 0.125 → half-up, not banker's 0.12
        (2, 3, "66.67"),
        (106, 106, "100.00"),
        (0, 5, "0.00"),
        (708679000000, 4656600000000, "15.22"),
    ],
)
def test_percent_is_exact_and_rounds_half_up(part, whole, expected):
    assert kpis.percent(part, whole) == Decimal(expected)


def test_percent_of_nothing_is_none():
    assert kpis.percent(0, 0) is None


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("46566000000.00", "465.66"),
        ("7086790000.00", "70.8679"),
        ("100000000", "1"),
        ("12345.67", "0.0001"),
        ("0", "0"),
    ],
)
def test_amounts_in_yi(amount, text):
    assert in_yi(Decimal(amount)) == text


@pytest.mark.django_db
def test_started_counts_stalled_after_start_but_not_cancelled(ledger, make_project):
    started = make_project(name="a", total_investment="100.00")
    stalled = make_project(name="b", total_investment="200.00")
    cancelled = make_project(name="c", total_investment="300.00", zone=ledger.other_zone)
    make_project(name="d", total_investment="400.00", zone=ledger.other_zone)
    for p in (started, stalled, cancelled):
        services.project_set_stage(
            actor=ledger.staff, project=p, stage="started", on=dt.date(2014, 2, 1)
        )
    services.project_set_stage(actor=ledger.staff, project=stalled, stage="stalled", reason="x")
    services.project_set_stage(actor=ledger.staff, project=cancelled, stage="cancelled", reason="y")
    table = kpis.ledger_kpis(Project.objects.all(), group_by="zone")
    total = table.total
    assert (total.signed, total.started, total.stalled, total.cancelled) == (4, 2, 1, 1)
    assert total.start_rate == Decimal("50.00")
    assert total.total_investment == Decimal("1000.00")
    assert [(r.label, r.signed, r.started) for r in table.rows] == [
        (ledger.zone.name, 2, 2),
        (ledger.other_zone.name, 2, 0),
    ]
    stages = kpis.ledger_kpis(Project.objects.all(), group_by="stage")
    assert [(r.key, r.signed) for r in stages.rows] == [
        ("signed", 1),
        ("started", 1),
        ("stalled", 1),
        ("cancelled", 1),
    ]
    # Groups add up to the total, whatever the grouping.
    for grouping in ("batch", "zone", "stage"):
        rows = kpis.ledger_kpis(Project.objects.all(), group_by=grouping).rows
        assert sum(r.signed for r in rows) == 4
        assert sum((r.total_investment for r in rows), Decimal(0)) == Decimal("1000.00")


@pytest.mark.django_db
def test_scope_by_period_contract_type_and_region(ledger, make_project):
    make_project(name="a", signed_on=dt.date(2014, 1, 10), is_contract_type=True)
    make_project(name="b", signed_on=dt.date(2015, 6, 1), is_contract_type=False)
    everything = Project.objects.all()
    in_2015 = kpis.scope(
        everything, signed_from=dt.date(2015, 1, 1), signed_to=dt.date(2015, 12, 31)
    )
    assert kpis.ledger_kpis(in_2015).total.signed == 1
    total = kpis.ledger_kpis(everything).total
    assert (total.contract_type, total.contract_type_investment) == (1, Decimal("500000000.00"))
    assert kpis.ledger_kpis(kpis.scope(everything, region="5201")).total.signed == 2
    assert kpis.ledger_kpis(kpis.scope(everything, region="11")).total.signed == 0


@pytest.mark.django_db
def test_period_activity_and_the_monthly_briefing(ledger, make_project):
    p = make_project(name="a")
    services.project_set_stage(
        actor=ledger.staff, project=p, stage="started", on=dt.date(2014, 3, 3)
    )
    services.funding_record(
        actor=ledger.staff, project=p, amount="150万", entry_date=dt.date(2014, 3, 20)
    )
    services.funding_record(
        actor=ledger.staff, project=p, amount="1.00", entry_date=dt.date(2014, 4, 1)
    )
    activity = kpis.period_activity(
        Project.objects.all(), start=dt.date(2014, 3, 1), end=dt.date(2014, 3, 31)
    )
    assert (activity.signed, activity.started, activity.funds_added) == (
        0,
        1,
        Decimal("1500000.00"),
    )
    report = monthly_briefing(Project.objects.all(), month=dt.date(2014, 3, 1))
    assert report.as_of == dt.date(2014, 3, 31)
    assert report.total.funds_in_place == Decimal("1500000.00")  # April's entry not yet
    assert report.sentences == [
        f"{ledger.batch.name}: 1 projects, total investment 5 hundred million yuan. By "
        "2014-03-31, 1 projects had started, 100.00% of all projects, with 0.015 hundred "
        "million yuan of funds in place."
    ]


@pytest.mark.django_db
def test_overdue_lists(ledger, make_project):
    today = dt.date(2015, 1, 1)
    late = make_project(name="late", signed_on=dt.date(2014, 1, 10))
    fresh = make_project(name="fresh", signed_on=dt.date(2014, 12, 1))
    behind = make_project(
        name="behind", planned_funds="1000.00", planned_funds_due=dt.date(2014, 6, 30)
    )
    services.project_set_stage(
        actor=ledger.staff, project=behind, stage="started", on=dt.date(2014, 2, 1)
    )
    services.funding_record(
        actor=ledger.staff, project=behind, amount="999.99", entry_date=dt.date(2014, 6, 1)
    )
    not_yet = make_project(
        name="not yet due", planned_funds="1000.00", planned_funds_due=dt.date(2015, 6, 30)
    )
    assert not_yet
    names = [p.name for p in kpis.not_started(Project.objects.all(), days=180, today=today)]
    assert names == ["late", "not yet due"] and fresh.name not in names
    behind_list = list(kpis.funds_behind_plan(Project.objects.all(), today=today))
    assert [p.name for p in behind_list] == ["behind"]
    assert kpis.shortfall(behind_list[0]) == Decimal("0.01")
    services.funding_record(
        actor=ledger.staff, project=behind, amount="0.01", entry_date=dt.date(2014, 12, 1)
    )
    assert not kpis.funds_behind_plan(Project.objects.all(), today=today).exists()
    assert late.code
