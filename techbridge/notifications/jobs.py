"""Delivering notifications from the job queue (ADR 0007)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from techbridge.jobs.registry import job
from techbridge.notifications import channels
from techbridge.notifications.models import NotificationDelivery

SENDERS = {"email": channels.deliver_email, "webhook": channels.deliver_webhook}


@job(channels.DELIVER_JOB, max_attempts=5)
def deliver(*, key: str, channel: str, **message: Any) -> None:
    """Send one notification on one channel unless it was delivered already (the job can
    run again after a crash, or be enqueued twice); a failure raises and is retried."""
    if NotificationDelivery.objects.filter(key=key, channel=channel).exists():
        return
    sender = SENDERS.get(channel)
    if sender is None:
        raise LookupError(f"unknown notification channel {channel!r}")
    sender(key=key, **message)
    try:
        with transaction.atomic():
            NotificationDelivery.objects.create(key=key, channel=channel)
    except IntegrityError:
        pass  # a concurrent run recorded it first; the row is what matters
