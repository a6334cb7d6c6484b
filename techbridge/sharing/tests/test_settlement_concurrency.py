"""Two settlements of the same month at the same moment issue the statements once
(PostgreSQL: the second waits on the run's unique month and then reports "already
settled"; every order gets its lines once)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections

from techbridge.core.testing import Personas
from techbridge.sharing.models import OrderStatus, ServiceOrder
from techbridge.sharing.models.settlement import SettlementRun, Statement, StatementLine
from techbridge.sharing.services.settlement import settle_month
from techbridge.sharing.tests.conftest import build_sharing_world
from techbridge.sharing.tests.conftest_settlement import build_settlement_world

MARCH = dt.date(2026, 3, 1)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_runs_of_one_month_issue_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions: PostgreSQL")
    sw = build_settlement_world(build_sharing_world(Personas.create()))
    for i in range(30):
        sw.order(
            f"{i + 1}.01",
            staff=[sw.w.tech_a, sw.w.tech_b][: i % 3] or None,
            voucher="0.50" if i % 4 == 0 else None,
        )
    barrier = threading.Barrier(4)
    results: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            outcome: Any = settle_month(actor=None, month=MARCH).created
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
    assert sorted(results, key=str) == [False, False, False, True]
    assert SettlementRun.objects.count() == 1
    assert ServiceOrder.objects.filter(status=OrderStatus.SETTLED).count() == 30
    lines = StatementLine.objects.filter(statement__party_kind__in=["owner", "agency"])
    assert lines.values("order").distinct().count() == 30
    assert lines.count() == 60  # one owner and one agency line per order, never twice
    numbers = list(Statement.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
