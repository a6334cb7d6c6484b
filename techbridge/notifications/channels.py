"""Notification channels: where a notification goes besides (or instead of) the inbox.

A channel is anything with ``send(notification)``. Which ones run is read from the
setting NOTIFICATION_CHANNELS when a notification is sent (never at import time);
unset means ["inbox", "email"]. "webhook" posts JSON to NOTIFICATION_WEBHOOK_URL and is
off unless named in the setting.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from techbridge.notifications.models import Notification

log = logging.getLogger(__name__)

DEFAULT_CHANNELS = ("inbox", "email")


class Channel(Protocol):
    def send(self, notification: Notification) -> None: ...


class InboxChannel:
    """Stores the notification; it shows in the recipient's inbox."""

    def send(self, notification: Notification) -> None:
        if notification.pk is None:
            notification.save()


class EmailChannel:
    """E-mails the recipient after the transaction commits (nothing is sent for a change
    that was rolled back). Recipients without an address are skipped."""

    def send(self, notification: Notification) -> None:
        address = getattr(notification.recipient, "email", "") or ""
        if not address:
            return
        subject, body = notification.title, notification.body
        if notification.link:
            body = f"{body}\n\n{notification.link}"

        def deliver() -> None:
            try:
                send_mail(subject, body, None, [address], fail_silently=False)
            except OSError:
                # A mail server outage must not break the user's action; the inbox has it.
                log.warning("notification e-mail not sent (kind=%s)", notification.kind)

        transaction.on_commit(deliver)


class WebhookChannel:
    """Placeholder for a messaging service: POSTs the notification as JSON to
    NOTIFICATION_WEBHOOK_URL after commit. Not enabled by default."""

    def __init__(self, url: str | None = None, timeout: float = 5.0) -> None:
        self.url = url
        self.timeout = timeout

    def send(self, notification: Notification) -> None:
        url = self.url or getattr(settings, "NOTIFICATION_WEBHOOK_URL", "")
        if not url:
            return
        payload = json.dumps(
            {
                "recipient": notification.recipient_id,
                "kind": notification.kind,
                "title": notification.title,
                "body": notification.body,
                "link": notification.link,
            },
            ensure_ascii=False,
        ).encode("utf-8")

        def post() -> None:
            if not url.startswith(("https://", "http://")):
                log.warning("notification webhook URL must be http(s)")
                return
            request = urllib.request.Request(  # noqa: S310 (scheme checked above)
                url, data=payload, headers={"Content-Type": "application/json"}, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout):  # noqa: S310
                    pass
            except OSError:
                log.warning("notification webhook failed (kind=%s)", notification.kind)

        transaction.on_commit(post)


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
