"""Notification channels: where a notification goes besides (or instead of) the inbox.

A channel is anything with ``send(notification)``. Which ones run is read from the
setting NOTIFICATION_CHANNELS when a notification is sent (never at import time);
unset means ["inbox", "email"]. "webhook" posts JSON to NOTIFICATION_WEBHOOK_URL and is
off unless named in the setting. The inbox row is written in the notifying transaction;
e-mail and webhook deliveries are jobs queued in that same transaction (ADR 0007) and
sent by the worker, retried on failure, at most once after a success.
"""

from __future__ import annotations

import json
import logging
import urllib.request
import uuid
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage

from techbridge.jobs.services import enqueue
from techbridge.notifications.models import Notification

log = logging.getLogger(__name__)

DEFAULT_CHANNELS = ("inbox", "email")
DELIVER_JOB = "notifications.deliver"
WEBHOOK_TIMEOUT = 5.0


class Channel(Protocol):
    def send(self, notification: Notification) -> None: ...


class InboxChannel:
    """Stores the notification; it shows in the recipient's inbox."""

    def send(self, notification: Notification) -> None:
        if notification.pk is None:
            notification.save()


def delivery_key(notification: Notification) -> str:
    """The notification's name in delivery jobs and in the e-mail Message-ID / webhook
    Idempotency-Key: its inbox id, or a random key when no inbox row was written."""
    if notification.pk is not None:
        return f"n{notification.pk}"
    key = getattr(notification, "_delivery_key", "")
    if not key:
        key = f"u{uuid.uuid4().hex}"
        notification._delivery_key = key  # type: ignore[attr-defined]
    return key


def _enqueue_delivery(notification: Notification, channel: str) -> None:
    """Queue the delivery in the notifying transaction (ADR 0007): a rollback sends
    nothing, a commit is delivered even if this process dies right after it."""
    key = delivery_key(notification)
    enqueue(
        DELIVER_JOB,
        {
            "key": key,
            "channel": channel,
            "recipient_id": notification.recipient_id,
            "kind": notification.kind,
            "title": notification.title,
            "body": notification.body,
            "link": notification.link,
        },
        dedupe_key=f"notification:{key}:{channel}",
    )


class EmailChannel:
    """E-mails the recipient from a job queued in the transaction (nothing is sent for a
    change that was rolled back). Recipients without an address are skipped."""

    def send(self, notification: Notification) -> None:
        if not (getattr(notification.recipient, "email", "") or ""):
            return
        _enqueue_delivery(notification, "email")


class WebhookChannel:
    """Placeholder for a messaging service: a queued job POSTs the notification as JSON to
    NOTIFICATION_WEBHOOK_URL. Not enabled by default."""

    def send(self, notification: Notification) -> None:
        if not getattr(settings, "NOTIFICATION_WEBHOOK_URL", ""):
            return
        _enqueue_delivery(notification, "webhook")


# --- delivery (run by the worker: techbridge/notifications/jobs.py) -----------------------


def deliver_email(
    *, key: str, recipient_id: int, title: str, body: str, link: str, **_: Any
) -> None:
    """Send the e-mail now; raises on a mail-server failure so the job is retried. The
    Message-ID is fixed by the key, so a re-sent copy (crash after sending) can be told
    apart by mail clients."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=recipient_id, is_active=True).first()
    address = getattr(user, "email", "") or ""
    if not address:
        return
    text = f"{body}\n\n{link}" if link else body
    EmailMessage(
        title,
        text,
        None,
        [address],
        headers={"Message-ID": f"<{key}.email@techbridge>"},
    ).send(fail_silently=False)


def deliver_webhook(
    *, key: str, recipient_id: int, kind: str, title: str, body: str, link: str, **_: Any
) -> None:
    """POST the notification to NOTIFICATION_WEBHOOK_URL (read now); raises on failure so
    the job is retried. The Idempotency-Key header lets the receiver drop a repeat."""
    url = getattr(settings, "NOTIFICATION_WEBHOOK_URL", "")
    if not url:
        return
    if not url.startswith(("https://", "http://")):
        raise ValueError("NOTIFICATION_WEBHOOK_URL must be an http(s) URL")
    payload = json.dumps(
        {"recipient": recipient_id, "kind": kind, "title": title, "body": body, "link": link},
        ensure_ascii=False,
    ).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=payload,
        headers={"Content-Type": "application/json", "Idempotency-Key": f"{key}.webhook"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT):  # noqa: S310
        pass


REGISTRY: dict[str, type] = {
    "inbox": InboxChannel,
    "email": EmailChannel,
    "webhook": WebhookChannel,
}


def enabled_channels() -> list[Channel]:
    """The channels named in settings.NOTIFICATION_CHANNELS (read now), in order."""
    names = getattr(settings, "NOTIFICATION_CHANNELS", None)
    if names is None:
        names = DEFAULT_CHANNELS
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    return [REGISTRY[name]() for name in names if name in REGISTRY]
