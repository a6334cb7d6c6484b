"""The demo: a few problems in different states, one overdue and escalated; idempotent;
skipped without the projects demo."""

from __future__ import annotations

import io

import pytest

from techbridge.accounts import demo as accounts_demo
from techbridge.codes.services import load_code_lists
from techbridge.projects import demo as projects_demo
from techbridge.supervision import demo
from techbridge.supervision.models import Escalation, ProblemReport

pytestmark = pytest.mark.django_db


def test_demo_skips_without_the_projects_demo() -> None:
    out = io.StringIO()
    demo.load(out)
    assert "skipped" in out.getvalue() and ProblemReport.objects.count() == 0


def test_demo_is_idempotent_and_shows_every_state(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    load_code_lists()  # the projects demo checks region codes
    out = io.StringIO()
    accounts_demo.load(out)
    projects_demo.load(out)
    demo.load(out)
    assert "api_key" in out.getvalue() and "/supervision/m/pl_" in out.getvalue()
    counts = (ProblemReport.objects.count(), Escalation.objects.count())
    statuses = set(ProblemReport.objects.values_list("status", flat=True))
    assert statuses >= {"reported", "in_progress", "waiting", "confirmed"}
    overdue = ProblemReport.objects.get(title__startswith="施工用电不稳")
    assert set(overdue.escalations.values_list("step", flat=True)) >= {
        "supervision",
        "second_level",
    }
    again = io.StringIO()
    demo.load(again)
    assert (ProblemReport.objects.count(), Escalation.objects.count()) == counts
    assert "already present" in again.getvalue() and "api_key" not in again.getvalue()
