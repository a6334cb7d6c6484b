"""Notification channels: where a notification goes besides (or instead of) the inbox.

A channel is anything with ``send(notification)``. Which ones run is read from the
setting NOTIFICATION_CHANNELS when a notification is sent (never at import time);
unset means ["inbox", "email"]. "webhook" posts JSON to NOTIFICATION_WEBHOOK_URL and is
off unless named in the setting. The inbox row is written in the notifying transaction;
e-mail and webhook deliveries are jobs queued in that same transaction (ADR 0007) and
sent by the worker, retried on failure, at most once after a success.

``RobotChannel`` posts to one group chat's WeCom or DingTalk robot (ADR 0011). It is not
in REGISTRY: a group chat is not a person, so the caller names the robot (notices do).
"""

from __future__ import annotations

import json
import logging
import urllib.request
import uuid
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from techbridge.jobs.services import enqueue
from techbridge.notifications import robots
from techbridge.notifications.models import Notification, Robot, RobotMessage

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


class RobotChannel:
    """Posts to one group-chat robot as a markdown message in its vendor's format, through
    the durable, rate-limited robot queue (``robots.py``): queued in the caller's
    transaction, sent by the worker at most 20 a minute per robot, retried until the robot
    answers errcode 0, once per delivery key."""

    def __init__(self, robot: Robot) -> None:
        self.robot = robot

    def send(self, notification: Notification) -> None:
        self.post(
            key=delivery_key(notification),
            title=notification.title,
            text=notification.body,
            link=notification.link,
        )

    def post(self, *, key: str, title: str, text: str, link: str = "") -> RobotMessage:
        """Queue ``title`` / ``text`` (plain lines; markdown is passed through) with an
        optional ``link`` (site-relative or absolute). The same ``key`` twice is one
        message."""
        if link:
            text = f"{text}\n\n[{link_label()}]({absolute_link(link)})"
        return robots.queue_message(robot=self.robot, key=key, title=title, text=text)


def robot_settings_checked(*, kind: str, webhook_url: str, secret: str) -> tuple[str, str]:
    """A robot's webhook address and signing secret, cleaned, or a ValidationError naming
    ``webhook_url`` / ``secret`` (for the services that create and edit robots)."""
    return robots.check_webhook_url(webhook_url), robots.check_secret(kind, secret)


def robot_release_held(robot: Robot) -> int:
    """Re-queue the messages ``robot`` held while disabled (call when enabling it)."""
    return robots.release_held(robot)


def link_label() -> str:
    # A group chat has no language preference; it reads the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Open in techbridge")


def absolute_link(link: str) -> str:
    if link.startswith(("https://", "http://")):
        return link
    base = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}/{link.lstrip('/')}"


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
