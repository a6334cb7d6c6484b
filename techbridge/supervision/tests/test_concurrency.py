"""Escalation runs on two nodes at once (PostgreSQL: batches claimed FOR UPDATE SKIP
LOCKED, steps guarded by UNIQUE (report, step)): every due step is taken exactly once,
with one event and one mention in the notices."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection, connections

from techbridge.notifications.models import Notification
from techbridge.supervision.models import Escalation, ProblemEvent
from techbridge.supervision.services.escalation import escalate_due
from techbridge.supervision.tests.conftest import sh


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_runs_take_each_step_once(world, file_report) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions: PostgreSQL")
    reports = [file_report(urgency="urgent", now=sh(2025, 10, 10, 10, i)) for i in range(40)]
    barrier = threading.Barrier(4)
    results: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            outcome: Any = escalate_due(now=sh(2025, 10, 11, 12), batch_size=5).steps_taken
        except BaseException as exc:  # reported below; a thread cannot fail the test
            outcome = repr(exc)
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 80  # 40 × (response overdue + 督办), shared among the runners
    steps = Counter(Escalation.objects.values_list("report_id", "step"))
    assert len(steps) == 80 and set(steps.values()) == {1}
    events = Counter(
        ProblemEvent.objects.filter(kind__in=["supervised", "response_late"]).values_list(
            "report_id", "kind"
        )
    )
    assert len(events) == 80 and set(events.values()) == {1}
    text = " ".join(
        f"{n.title} {n.body}"
        for n in Notification.objects.filter(recipient=world.head, title__contains="督办")
    )
    assert [text.count(r.number) for r in reports] == [1] * len(reports)
