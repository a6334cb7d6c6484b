"""Periodic jobs: every node may tick, exactly one runs each occurrence.

A tick looks, for each schedule, at its latest occurrence at or before now. If no
``ScheduledRun`` row exists for it yet, the tick inserts that row and enqueues the job in
one transaction; the UNIQUE (name, due_at) constraint makes every other node's insert
fail, and the loser does nothing. Because only the LATEST occurrence is considered, a
node that was down for a day runs a missed every-minute job once when it comes back, not
1,440 times (ADR 0007).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from techbridge.jobs import registry
from techbridge.jobs.models import ScheduledRun
from techbridge.jobs.services import enqueue

logger = logging.getLogger(__name__)

KEEP_RUNS = timedelta(days=35)


def tick(*, now: datetime | None = None, owner: str = "") -> list[str]:
    """Enqueue every schedule whose latest occurrence has no run yet; returns the names
    this node fired (the others were not due or were taken by another node)."""
    now = now or timezone.now()
    schedules = registry.schedules()
    if not schedules:
        return []
    last_runs = dict(
        ScheduledRun.objects.filter(name__in=[s.name for s in schedules])
        .values("name")
        .annotate(last=Max("due_at"))
        .values_list("name", "last")
    )
    fired = []
    for schedule in schedules:
        due = schedule.latest_due(now)
        last = last_runs.get(schedule.name)
        if last is not None and last >= due:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(
                    name=schedule.name, due_at=due, created_by=owner[:120]
                )
                run.job = enqueue(schedule.job_name, dict(schedule.payload))
                run.save(update_fields=["job"])
        except IntegrityError:
            continue  # another node inserted this occurrence first: it runs it
        logger.info("scheduler: %s due %s enqueued", schedule.name, due.isoformat())
        fired.append(schedule.name)
    return fired


def prune_runs(*, now: datetime | None = None) -> int:
    """Forget occurrences older than KEEP_RUNS, never the latest of a schedule (it is what
    tells the next tick that occurrence already ran)."""
    cutoff = (now or timezone.now()) - KEEP_RUNS
    deleted = 0
    latest = ScheduledRun.objects.values("name").annotate(last=Max("due_at"))
    for row in latest:
        count, _ = ScheduledRun.objects.filter(
            name=row["name"], due_at__lt=min(cutoff, row["last"])
        ).delete()
        deleted += count
    return deleted
