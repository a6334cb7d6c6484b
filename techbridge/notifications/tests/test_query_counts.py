"""The inbox and the notifications API answer in a number of queries that does not grow
with the number of notifications (issue 9 item 16)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from techbridge.notifications.services import notify

pytestmark = pytest.mark.django_db


def _counts(personas: Any) -> dict[str, int]:
    client = personas.client_for(personas.owner)
    counts = {}
    for url in ("/notifications/", "/notifications/?unread=1", "/api/v1/notifications/"):
        client.get(url)  # the first request also touches the session
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(captured)
    return counts


def test_inbox_costs_the_same_for_2_or_12_notifications(personas) -> None:
    for i in range(2):
        notify(recipients=[personas.owner], kind="other", title=f"消息 {i}", link="/contracts/")
    few = _counts(personas)
    for i in range(10):
        notify(recipients=[personas.owner], kind="stage", title=f"更多 {i}", body="正文")
    assert _counts(personas) == few
