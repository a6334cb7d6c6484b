"""Issue 12 acceptance: the seed figures reproduced exactly from a ledger import —
106 signed, 97 started, 91.51 %, 46,566,000,000.00 total, 7,086,790,000.00 in place."""

from __future__ import annotations

from decimal import Decimal

import pytest

from techbridge.imports.services import import_file
from techbridge.projects import kpis, selectors
from techbridge.projects.importers import ProjectImporter
from techbridge.projects.models import FundingEntry, Project, ProjectEvent
from techbridge.projects.tests import seed

pytestmark = pytest.mark.django_db


def _import(path, actor):
    return import_file(ProjectImporter(actor=actor), path)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_seed_ledger_import_reproduces_the_published_figures(ledger, tmp_path, fmt):
    data = seed.rows(zone=ledger.zone.name, department=ledger.department.name)
    writer = seed.write_xlsx if fmt == "xlsx" else seed.write_csv
    path = writer(tmp_path / f"ledger.{fmt}", data)

    report = _import(path, ledger.staff)

    assert report.ok, report.errors[:5]
    assert report.created == 106
    table = kpis.ledger_kpis(selectors.projects_visible_to(ledger.staff), group_by="batch")
    total = table.total
    assert total.signed == 106
    assert total.started == 97
    assert total.start_rate == Decimal("91.51")
    assert total.in_production == 15
    assert total.total_investment == Decimal("46566000000.00")
    assert total.funds_in_place == Decimal("7086790000.00")
    assert total.funds_share == Decimal("15.22")  # 7,086,790,000 / 46,566,000,000
    assert [(r.label, r.signed, r.started) for r in table.rows] == [(seed.BATCH, 106, 97)]
    # The cached sums agree with the dated entries they summarise.
    entries = sum((e.amount for e in FundingEntry.objects.all()), Decimal(0))
    assert entries == Decimal("7086790000.00")
    assert str(total.as_dict()["start_rate"]) == "91.51"


def test_seed_kpis_per_zone_and_as_of_the_reporting_day(ledger, tmp_path):
    import datetime as dt

    path = seed.write_csv(
        tmp_path / "ledger.csv",
        seed.rows(zone=ledger.zone.name, department=ledger.department.name),
    )
    assert _import(path, ledger.staff).ok
    projects = selectors.projects_visible_to(ledger.staff)
    by_zone = kpis.ledger_kpis(projects, group_by="zone")
    assert [(r.label, r.started, r.start_rate) for r in by_zone.rows] == [
        (ledger.zone.name, 97, Decimal("91.51"))
    ]
    # Before the first start nothing had started and no funds were in place.
    early = kpis.ledger_kpis(projects, as_of=dt.date(2014, 1, 15))
    assert (early.total.signed, early.total.started, early.total.funds_in_place) == (
        106,
        0,
        Decimal("0.00"),
    )
    # On the reporting day (31 March) the figures are the published ones.
    march = kpis.ledger_kpis(projects, as_of=dt.date(2014, 3, 31))
    assert (march.total.started, march.total.start_rate) == (97, Decimal("91.51"))
    assert march.total.funds_in_place == Decimal("7086790000.00")


def test_reimporting_the_same_ledger_changes_nothing(ledger, tmp_path):
    path = seed.write_xlsx(
        tmp_path / "ledger.xlsx",
        seed.rows(zone=ledger.zone.name, department=ledger.department.name),
    )
    assert _import(path, ledger.staff).ok
    counts = (Project.objects.count(), FundingEntry.objects.count(), ProjectEvent.objects.count())
    versions = dict(Project.objects.values_list("code", "version"))

    again = _import(path, ledger.staff)

    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 106)
    assert (
        Project.objects.count(),
        FundingEntry.objects.count(),
        ProjectEvent.objects.count(),
    ) == counts
    assert dict(Project.objects.values_list("code", "version")) == versions


def test_every_imported_project_has_its_event_and_funding_history(ledger, tmp_path):
    path = seed.write_csv(
        tmp_path / "ledger.csv",
        seed.rows(zone=ledger.zone.name, department=ledger.department.name),
    )
    assert _import(path, ledger.staff).ok
    assert ProjectEvent.objects.filter(kind="imported").count() == 106
    stalled = Project.objects.get(external_id="JZ-2014-096")
    assert stalled.stage == "stalled" and stalled.started_on is not None
    assert stalled.stage_reason == "施工用电不稳，待电网改造"
    assert stalled.has_started
    cancelled = Project.objects.get(external_id="JZ-2014-106")
    assert cancelled.stage == "cancelled" and not cancelled.has_started
    assert Project.objects.filter(code__startswith="XM").count() == 106
