"""Supervision's periodic job (the job queue, ADR 0007): escalation (督办).

Every five minutes the scheduler enqueues ``supervision.escalate``; after downtime it fires
the latest occurrence once, and that run takes every step that came due meanwhile (the
query is "due at or before now", not "due since the last run"). The handler is idempotent:
each step is a UNIQUE (report, step) row written in the transaction that notifies.
"""

from __future__ import annotations

from datetime import timedelta

from techbridge.jobs.registry import job, periodic


@job("supervision.escalate")
def escalate() -> None:
    from techbridge.supervision.services.escalation import escalate_due

    escalate_due()


periodic("supervision.escalate", every=timedelta(minutes=5))
