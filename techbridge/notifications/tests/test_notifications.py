"""Notifications: inbox rows, e-mail after commit only, channels chosen by a setting read
at send time, the webhook placeholder off by default (no network in tests)."""

from __future__ import annotations

import pytest
from django.core import mail

from techbridge.notifications import channels
from techbridge.notifications.models import Notification
from techbridge.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_inbox_and_email_after_commit(personas, django_capture_on_commit_callbacks) -> None:
    personas.owner.email = "owner@example.org"
    personas.owner.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[personas.owner, personas.owner], kind="other", title="你好", body="正文")
    assert Notification.objects.filter(recipient=personas.owner).count() == 1
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]


def test_channels_setting_read_lazily_and_webhook_off_by_default(
    personas, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    calls = []
    monkeypatch.setattr(channels.urllib.request, "urlopen", lambda *a, **k: calls.append(a))
    if hasattr(settings, "NOTIFICATION_CHANNELS"):
        del settings.NOTIFICATION_CHANNELS
    assert [type(c).__name__ for c in channels.enabled_channels()] == [
        "InboxChannel",
        "EmailChannel",
    ]
    settings.NOTIFICATION_CHANNELS = ["email"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[personas.owner], kind="other", title="x")
    assert not Notification.objects.exists()  # inbox not enabled
    settings.NOTIFICATION_CHANNELS = ["inbox", "webhook"]
    settings.NOTIFICATION_WEBHOOK_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[personas.owner], kind="other", title="y")
    assert calls == []  # no URL configured → nothing posted
    assert Notification.objects.count() == 1


def test_inbox_page_shows_own_messages_only(personas) -> None:
    notify(recipients=[personas.owner], kind="other", title="给甲的消息")
    notify(recipients=[personas.outsider], kind="other", title="给乙的消息")
    page = personas.client_for(personas.owner).get("/notifications/").content.decode()
    assert "给甲的消息" in page and "给乙的消息" not in page
    theirs = Notification.objects.get(recipient=personas.outsider)
    response = personas.client_for(personas.owner).post(f"/notifications/{theirs.pk}/open/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    mine = Notification.objects.get(recipient=personas.owner)
    personas.client_for(personas.owner).post(f"/notifications/{mine.pk}/open/")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert personas.anonymous.get("/notifications/").status_code == 302


def test_api_lists_own_notifications(personas) -> None:
    notify(recipients=[personas.owner], kind="other", title="甲")
    notify(recipients=[personas.outsider], kind="other", title="乙")
    rows = personas.client_for(personas.owner).get("/api/v1/notifications/").json()["results"]
    assert [r["title"] for r in rows] == ["甲"]
    assert personas.anonymous.get("/api/v1/notifications/").status_code in (401, 403)
