"""The demo ledger loads through the services and loads once."""

from __future__ import annotations

import io

import pytest

from techbridge.accounts.demo import ensure_demo_organisations
from techbridge.projects import demo, kpis, selectors
from techbridge.projects.models import FundingEntry, Project, ProjectEvent

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_covers_every_stage(codes):
    ensure_demo_organisations()
    demo.load(io.StringIO())
    counts = (Project.objects.count(), FundingEntry.objects.count(), ProjectEvent.objects.count())
    out = io.StringIO()
    demo.load(out)
    assert "already present" in out.getvalue()
    assert (
        Project.objects.count(),
        FundingEntry.objects.count(),
        ProjectEvent.objects.count(),
    ) == counts
    assert set(Project.objects.values_list("stage", flat=True)) == {
        "signed",
        "started",
        "in_production",
        "stalled",
        "cancelled",
    }
    table = kpis.ledger_kpis(Project.objects.all(), group_by="batch")
    assert [r.label for r in table.rows] == ["首批京筑合作签约项目", "贵阳大数据产业推介会签约项目"]
    assert kpis.funds_behind_plan(Project.objects.all()).exists()
    assert selectors.projects_visible_to(None).count() == 0
