"""Sending and reading notifications. Other apps call ``notify``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from techbridge.core.actors import Actor
from techbridge.core.phrases import Phrase, text_of
from techbridge.notifications.channels import enabled_channels
from techbridge.notifications.models import Notification


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str | Phrase,
    body: str | Phrase = "",
    link: str = "",
) -> list[Notification]:
    """One notification per distinct active recipient through every enabled channel
    (inbox rows now, e-mail and webhooks after commit). Returns the notifications. A
    ``Phrase`` title or body reads in each reader's language (core.phrases)."""
    title_text, title_msgid, title_params = text_of(title)
    body_text, body_msgid, body_params = text_of(body)
    seen: set[int] = set()
    out = []
    channels = enabled_channels()
    for user in recipients:
        if user is None or not getattr(user, "is_active", False) or user.pk in seen:
            continue
        seen.add(user.pk)
        notification = Notification(
            recipient=user,
            kind=kind,
            title=title_text[:200],
            body=body_text,
            link=link[:300],
            title_msgid=title_msgid[:300],
            title_params=title_params,
            body_msgid=body_msgid,
            body_params=body_params,
        )
        for channel in channels:
            channel.send(notification)
        out.append(notification)
    return out


def notification_mark_read(*, actor: Actor, notification: Notification) -> None:
    """Mark one of the actor's own notifications read (others' are ignored)."""
    Notification.objects.filter(
        pk=notification.pk, recipient_id=getattr(actor, "pk", None), read_at__isnull=True
    ).update(read_at=timezone.now())


def notifications_mark_all_read(*, actor: Actor) -> int:
    recipient_id = getattr(actor, "pk", None)
    return Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )
