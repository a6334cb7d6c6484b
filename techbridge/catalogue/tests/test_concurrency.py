"""Two reviewers deciding the same submission at once: exactly one decision wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from techbridge.accounts.roles import Role
from techbridge.catalogue import services
from techbridge.catalogue.models import Achievement, RecordEvent, Status
from techbridge.core.exceptions import TransitionError
from techbridge.core.testing import make_user


@pytest.mark.django_db(transaction=True)
def test_concurrent_publish_and_return_one_wins(personas) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite's in-memory test database is not shared by threads.")
    second = make_user("reviewer2", Role.BUREAU_STAFF, personas.bureau, is_reviewer=True)
    record = services.record_create(
        actor=personas.owner, kind="achievement", title="并发审核", technical_field="agriculture"
    )
    services.record_submit(actor=personas.owner, record=record)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(reviewer, publish: bool) -> None:
        try:
            mine = Achievement.objects.get(pk=record.pk)
            barrier.wait(timeout=30)
            if publish:
                services.record_publish(actor=reviewer, record=mine)
            else:
                services.record_return(actor=reviewer, record=mine, reason="同时退回")
            outcomes.append("ok")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(personas.staff, True)),
        threading.Thread(target=decide, args=(second, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ok", "refused"]
    record.refresh_from_db()
    assert record.status in (Status.PUBLISHED, Status.RETURNED)
    decisions = RecordEvent.objects.filter(record_id=record.pk, from_state=Status.SUBMITTED)
    assert decisions.count() == 1
