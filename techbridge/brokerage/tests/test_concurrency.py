"""Concurrent stage moves of one deal: exactly one wins, the others get a conflict, and
exactly one event is written."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from techbridge.accounts.roles import Role
from techbridge.brokerage import services
from techbridge.brokerage.models import Deal, DealEvent
from techbridge.core.exceptions import ConflictError
from techbridge.core.testing import make_organisation, make_user

N = 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_one_wins(personas):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite's in-memory test database cannot be shared by threads "
            "(the conditional update is exercised by test_stale_edit_is_refused_with_409)."
        )
    agency = make_organisation("Agency", "agency")
    broker = make_user("broker-c", Role.BROKER, agency)
    deal = services.deal_create(actor=broker, enterprise=personas.org, title="并发项目")
    barrier = threading.Barrier(N)
    outcomes: list[str] = []
    lock = threading.Lock()

    def move() -> None:
        try:
            fresh = Deal.objects.get(pk=deal.pk)
            barrier.wait(timeout=30)
            services.deal_move(actor=broker, deal=fresh, expected_version=fresh.version)
            result = "ok"
        except ConflictError:
            result = "conflict"
        except BaseException as exc:  # reported below
            result = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=move) for _ in range(N)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict"] * (N - 1) + ["ok"]
    assert Deal.objects.get(pk=deal.pk).stage == "packaging"
    assert DealEvent.objects.filter(deal=deal, kind="stage").count() == 1
