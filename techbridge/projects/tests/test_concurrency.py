"""PostgreSQL row locks: concurrent entries get distinct consecutive codes, and concurrent
funding entries on one project keep funds_in_place exactly the sum of its entries."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections

from techbridge.projects import services
from techbridge.projects.models import FundingEntry, Project
from techbridge.projects.tests.conftest import project_data

N = 12


def _run_together(work: Callable[[int], None]) -> list[BaseException]:
    barrier = threading.Barrier(N)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            work(i)
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite's in-memory test database cannot be shared by threads; "
            "there IMMEDIATE transactions serialise writers."
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_entries_get_consecutive_codes(ledger):
    _postgres_only()
    errors = _run_together(
        lambda i: services.project_create(
            actor=ledger.staff, **project_data(ledger, name=f"并发项目{i}")
        )
    )
    assert not errors, errors
    numbers = sorted(int(code[-5:]) for code in Project.objects.values_list("code", flat=True))
    assert numbers == list(range(1, N + 1))


@pytest.mark.django_db(transaction=True)
def test_concurrent_funding_entries_keep_the_sum_exact(ledger):
    _postgres_only()
    project = services.project_create(actor=ledger.staff, **project_data(ledger))

    def record(i: int) -> None:
        services.funding_record(
            actor=ledger.handler,
            project=Project.objects.get(pk=project.pk),
            amount=f"{i + 1}.01",
            entry_date=dt.date(2014, 3, 1),
        )

    errors = _run_together(record)
    assert not errors, errors
    project.refresh_from_db()
    expected = sum((Decimal(f"{i + 1}.01") for i in range(N)), Decimal(0))
    assert project.funds_in_place == expected
    assert FundingEntry.objects.filter(project=project).count() == N
