"""Orders under concurrent use on PostgreSQL (row locks; SQLite serialises writers with its
IMMEDIATE transactions): order numbers are never given twice and have no gaps, and an order
is confirmed once however many confirmations race."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from techbridge.accounts.roles import Role
from techbridge.core.testing import make_user
from techbridge.sharing.models import OrderEvent, OrderKind, OrderStatus, ServiceOrder
from techbridge.sharing.services import orders as services
from techbridge.sharing.tests.conftest_orders import OrderWorld, at, make_booking, ow_fixture  # noqa: F401 (fixture)

postgres_only = pytest.mark.postgres_only
DAY = dt.date(2026, 3, 10)


def _race(n: int, work: Callable[[int], Any]) -> list[str]:
    barrier = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            work(i)
            outcome = "ok"
        except BaseException as exc:  # a thread cannot fail the test itself
            outcome = type(exc).__name__
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(outcomes)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_orders_get_distinct_consecutive_numbers(ow: OrderWorld) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers by itself")
    p = ow.personas
    n = 20
    buyers = [make_user(f"buyer{i:02d}", Role.ENTERPRISE_MEMBER, p.org) for i in range(n)]
    outcomes = _race(
        n,
        lambda i: services.order_create(
            actor=buyers[i],
            resource=ow.service,
            kind=OrderKind.SAMPLE_TESTING,
            customer=p.org,
            service_date=DAY,
        ),
    )
    assert outcomes == ["ok"] * n
    numbers = sorted(int(n[-6:]) for n in ServiceOrder.objects.values_list("number", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + n))


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_order_is_confirmed_once_however_many_confirm_at_once(ow: OrderWorld) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers by itself")
    p = ow.personas
    order = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    order = services.usage_record(
        actor=ow.tech_a, order=order, actual_start=at(DAY, 9), actual_end=at(DAY, 10)
    )
    members = [make_user(f"member{i:02d}", Role.ENTERPRISE_MEMBER, p.org) for i in range(10)]
    outcomes = _race(
        10,
        lambda i: services.order_confirm(
            actor=members[i],
            order=ServiceOrder.objects.get(pk=order.pk),
        ),
    )
    assert outcomes.count("ok") == 1 and outcomes.count("TransitionError") == 9
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert OrderEvent.objects.filter(order=order, kind="confirmed").count() == 1
