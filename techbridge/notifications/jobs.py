"""Delivering notifications from the job queue (ADR 0007) and group-robot messages
(ADR 0011)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction

from techbridge.jobs.registry import job, periodic
from techbridge.notifications import channels, robots
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


@job(robots.SEND_JOB, max_attempts=10)
def robot_send(*, message: int) -> None:
    """One step for one robot message: send, defer to a free rate-limit slot, or schedule
    the retry. Vendor and network failures never raise (the message keeps waiting with
    its own backoff); only a database error does, and the queue retries that."""
    robots.send_message(message)


@job("notifications.robot_sweep")
def robot_sweep() -> None:
    robots.requeue_stranded()


@job("notifications.robot_prune")
def robot_prune() -> None:
    robots.prune_attempts()


periodic("notifications.robot_sweep", every=timedelta(minutes=5))
periodic("notifications.robot_prune", cron="40 3 * * *")
