"""Relevance judgments from brokers' and enterprises' answers, read back by the harness."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from techbridge.brokerage import services as brokerage
from techbridge.brokerage.tests.conftest import codes, world  # noqa: F401  (fixtures)
from techbridge.matching import selectors
from techbridge.matching.models import Judgment
from techbridge.matching.services import judgment_record

pytestmark = pytest.mark.django_db


def test_accept_and_decline_are_recorded_and_read_back(world, tmp_path, capsys):  # noqa: F811
    p = world.personas
    other = world.published(
        "achievement", p.researcher, title="赤泥建材化利用", summary="拜耳法赤泥制砖"
    )
    accepted = brokerage.recommendation_create(
        actor=world.broker,
        demand=world.demand,
        resource_kind="achievement",
        resource_id=world.achievement.pk,
    )
    accepted = brokerage.recommendation_accept(actor=p.owner, recommendation=accepted)
    declined = brokerage.recommendation_create(
        actor=world.broker, demand=world.demand, resource_kind="achievement", resource_id=other.pk
    )
    declined = brokerage.recommendation_decline(
        actor=p.owner, recommendation=declined, reason="not_relevant"
    )

    rows = {(j.candidate_id, j.source): j.grade for j in Judgment.objects.all()}
    assert rows == {
        (world.achievement.pk, "broker_recommended"): 2,
        (world.achievement.pk, "accepted"): 3,
        (other.pk, "broker_recommended"): 2,
        (other.pk, "declined"): 0,  # the enterprise's later answer is what counts
    }
    assert Judgment.objects.get(source="declined").reason == "not_relevant"
    grades = selectors.judged_pairs()[("demand", world.demand.pk)]
    assert grades == {("achievement", world.achievement.pk): 3, ("achievement", other.pk): 0}

    export = tmp_path / "judgments.jsonl"
    call_command("eval_matching", "--judgments", "--export", str(export))
    out = capsys.readouterr().out
    assert "platform judgments: 1 demands" in out
    ours = next(line for line in out.splitlines() if line.startswith("ours"))
    assert float(ours.split()[1]) == 1.0  # the accepted resource ranks first
    lines = [json.loads(line) for line in export.read_text("utf-8").splitlines()]
    assert len(lines) == 4 and {line["source"] for line in lines} == {
        "broker_recommended",
        "accepted",
        "declined",
    }
    text = export.read_text("utf-8")
    assert "owner@example.org" not in text and "13800138000" not in text and "张三" not in text


def test_latest_judgment_of_a_pair_counts_and_grades_follow_reasons():
    judgment_record(
        query_kind="demand",
        query_id=1,
        candidate_kind="expert",
        candidate_id=2,
        source="broker_recommended",
    )
    judgment_record(
        query_kind="demand",
        query_id=1,
        candidate_kind="expert",
        candidate_id=2,
        source="declined",
        reason="too_expensive",
    )
    assert selectors.judged_pairs()[("demand", 1)] == {("expert", 2): 2}
    again = judgment_record(
        query_kind="demand",
        query_id=1,
        candidate_kind="expert",
        candidate_id=2,
        source="declined",
        reason="not_relevant",
    )
    assert again.grade == 0 and Judgment.objects.count() == 2  # renewed, not duplicated


def test_no_judgments_is_a_message_not_a_failure(capsys):
    call_command("eval_matching", "--judgments")
    assert "nothing to do" in capsys.readouterr().out
