"""Two holding bookings never overlap, even when 50 people book the same slot at once
(issue 11 acceptance; RELIABILITY.md test case 23).

PostgreSQL: 50 threads, each with its own connection, POST the same slot to the API; the
exclusion constraint of migration 0002 lets exactly one insert through. SQLite: the same 50
requests against a file copy of the test database (the in-memory test database cannot be
shared by threads), where the booking service's IMMEDIATE transaction serialises writers.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.core.exceptions import ConflictError
from techbridge.sharing.models import HOLDING_STATUSES, Booking, BookingStatus
from techbridge.sharing.services import bookings as services
from techbridge.sharing.tests.conftest_bookings import at, book, monday

N = 50
postgres_only = pytest.mark.postgres_only


def _clients(world: Any, n: int) -> list[Client]:
    """n enterprise members of the world's enterprise, each logged in on its own client."""
    users = [
        User.objects.create(
            username=f"rush{i:02d}", role=Role.ENTERPRISE_MEMBER, organisation=world.personas.org
        )
        for i in range(n)
    ]
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _rush(clients: list[Client], payload: dict[str, Any]) -> list[int]:
    """POST ``payload`` from every client at the same moment; the status codes."""
    barrier = threading.Barrier(len(clients))
    codes: list[int] = []
    lock = threading.Lock()

    def post(client: Client) -> None:
        try:
            barrier.wait(timeout=60)
            code = client.post(
                "/api/v1/sharing/bookings/", payload, content_type="application/json"
            ).status_code
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            code = -1
            print("booking thread failed:", repr(exc))
        finally:
            connections.close_all()
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(codes)


def _payload(world: Any) -> dict[str, Any]:
    day = monday()
    return {
        "resource": world.resource.pk,
        "starts_at": at(day, 10).isoformat(),
        "ends_at": at(day, 11).isoformat(),
        "purpose": "并发预约",
    }


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_bookings_on_postgresql_one_succeeds(sharing_world) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL run of the race (the SQLite run is the next test)")
    codes = _rush(_clients(sharing_world, N), _payload(sharing_world))
    assert codes == [201] + [409] * (N - 1)
    held = Booking.objects.filter(resource=sharing_world.resource, status__in=HOLDING_STATUSES)
    assert held.count() == 1
    assert held.get().events.count() == 1


@contextmanager
def _threads_use(path: Path) -> Iterator[None]:
    """New connections (one per thread) open the SQLite file ``path``; this thread keeps
    the in-memory test database."""
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    try:
        yield
    finally:
        connections.settings["default"] = original


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_bookings_on_sqlite_one_succeeds(sharing_world, tmp_path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite run of the race (the PostgreSQL run is the previous test)")
    clients = _clients(sharing_world, N)
    copy = tmp_path / "race.sqlite3"
    with connection.cursor() as cursor:  # users, sessions and the world, committed
        cursor.execute("VACUUM INTO %s", [str(copy)])
    with _threads_use(copy):
        codes = _rush(clients, _payload(sharing_world))
    assert codes == [201] + [409] * (N - 1)
    holding = ", ".join(f"'{s}'" for s in HOLDING_STATUSES)
    with sqlite3.connect(copy) as db:
        (held,) = db.execute(
            f"SELECT count(*) FROM sharing_booking WHERE status IN ({holding})"
        ).fetchone()
        (events,) = db.execute("SELECT count(*) FROM sharing_bookingevent").fetchone()
    assert held == 1 and events == 1


@postgres_only
@pytest.mark.django_db
def test_the_database_refuses_overlaps_the_service_did_not_see(sharing_world) -> None:
    """The exclusion constraint, not the service's check, is the guarantee: written past
    the service, an overlapping holding booking is refused; a cancelled one is not."""
    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints are PostgreSQL's")
    w, p = sharing_world, sharing_world.personas
    first = book(p.owner, w.resource, monday(), (10, 0), (11, 0))
    fields = {
        "resource": w.resource,
        "booked_by": p.outsider,
        "organisation": p.other_org,
        "rate_class": "enterprise",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            starts_at=first.starts_at + dt.timedelta(minutes=30),
            ends_at=first.ends_at + dt.timedelta(minutes=30),
            **fields,
        )
    Booking.objects.create(
        starts_at=first.starts_at, ends_at=first.ends_at, status=BookingStatus.CANCELLED, **fields
    )
    Booking.objects.create(starts_at=first.ends_at, ends_at=first.ends_at + dt.timedelta(hours=1),
                           **fields)  # fmt: skip  — touching is not overlapping ('[)')


@postgres_only
@pytest.mark.django_db
def test_the_constraint_becomes_a_conflict_error(sharing_world, monkeypatch) -> None:
    """If two requests both pass the check, the loser gets ConflictError (409), not 500."""
    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints are PostgreSQL's")
    w, p = sharing_world, sharing_world.personas
    book(p.owner, w.resource, monday(), (10, 0), (11, 0))
    monkeypatch.setattr(services.sel, "holding_bookings", lambda *a: Booking.objects.none())
    with pytest.raises(ConflictError):
        book(p.outsider, w.resource, monday(), (10, 30), (11, 30))
    assert Booking.objects.count() == 1


def test_the_migration_holds_the_statuses_the_models_hold() -> None:
    migration = importlib.import_module("techbridge.sharing.migrations.0002_booking_no_overlap")
    assert tuple(migration.HOLDING) == tuple(str(s) for s in HOLDING_STATUSES)
    assert migration.CONSTRAINT == services.OVERLAP_CONSTRAINT
