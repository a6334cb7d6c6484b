"""Queue backends: how claimed work reaches a worker. Chosen by JOBS_BROKER_URL.

- ``DatabaseBackend`` (default, empty URL): workers poll the Job table and claim batches.
- ``DramatiqBackend`` (``redis://…`` or ``amqp://…``): the Job table stays the outbox and
  the record of truth; a relay sends committed queued jobs to the broker (marking them
  ``sent``), Dramatiq worker threads receive them and run each through the same claim
  step (sent → running), so a redelivered message never runs a job twice. Retries,
  backoff and the failed state are ours, not Dramatiq's (no Retries middleware): a
  failed attempt goes back to ``queued`` with a later ``run_after`` and the relay sends
  it again when it is due.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from techbridge.jobs import conf, scheduler, worker
from techbridge.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

RECOVER_EVERY_SECONDS = 30.0
ACTOR_NAME = "techbridge_job"


class QueueBackend(Protocol):
    name: str

    def run(
        self, *, stop: threading.Event, burst: bool, batch: int, with_scheduler: bool
    ) -> int:
        """Process jobs until ``stop`` is set (or, with ``burst``, until nothing is due);
        returns the number of jobs this process claimed."""
        ...


def _housekeeping(*, owner: str, with_scheduler: bool, state: dict[str, float]) -> None:
    now = time.monotonic()
    if now - state.get("recovered", -1e9) >= RECOVER_EVERY_SECONDS:
        worker.recover_stale()
        state["recovered"] = now
    if with_scheduler:
        scheduler.tick(owner=owner)


class DatabaseBackend:
    name = "database"

    def run(
        self, *, stop: threading.Event, burst: bool, batch: int, with_scheduler: bool
    ) -> int:
        owner = worker.worker_name()
        state: dict[str, float] = {}
        claimed = 0
        poll = float(conf.get("JOBS_POLL_SECONDS"))
        worker.start_heartbeat()
        try:
            while not stop.is_set():
                _housekeeping(owner=owner, with_scheduler=with_scheduler, state=state)
                got = worker.process_batch(owner=owner, limit=batch, stop=stop)
                claimed += got
                worker.close_stale_connections()
                if got:
                    continue  # more may be waiting: no sleep between full batches
                if burst:
                    break
                stop.wait(poll)
        finally:
            worker.stop_heartbeat()
        return claimed


# --- Dramatiq --------------------------------------------------------------------------------


def make_broker(url: str) -> Any:
    """A Dramatiq broker for ``url``, with no middleware: retries, time limits and the
    record of failures are the Job table's."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=url, middleware=[])
    if url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url, middleware=[])
    raise ValueError("JOBS_BROKER_URL must start with redis:// or amqp://")


def run_message(job_id: int) -> None:
    """The Dramatiq actor's body: claim the job (sent → running) and run it; a duplicate
    or late message finds it in another state and does nothing."""
    try:
        jobs = worker.claim(
            owner=worker.worker_name(), limit=1, from_status=JobStatus.SENT, ids=[int(job_id)]
        )
        if jobs:
            worker.execute(jobs[0])
    finally:
        worker.close_stale_connections()


class DramatiqBackend:
    name = "dramatiq"

    def __init__(self, url: str, *, queue: str | None = None, threads: int | None = None):
        import dramatiq

        self.url = url
        self.queue = queue or str(conf.get("JOBS_BROKER_QUEUE"))
        self.threads = int(threads or conf.get("JOBS_WORKER_THREADS"))
        self.broker = make_broker(url)
        self.actor = dramatiq.Actor(
            run_message,
            broker=self.broker,
            actor_name=ACTOR_NAME,
            queue_name=self.queue,
            priority=0,
            options={},
        )

    # The relay: committed queued jobs → broker messages.
    def relay_once(self, *, owner: str, limit: int) -> int:
        """Mark up to ``limit`` due queued jobs ``sent`` (committed first, so a worker that
        gets the message sees the row), then send one message per job."""
        from dramatiq import Message

        now = timezone.now()
        with transaction.atomic():
            qs = Job.objects.filter(status=JobStatus.QUEUED, run_after__lte=now).order_by(
                "run_after", "id"
            )
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True)
            picked = list(qs.values_list("pk", "attempts")[:limit])
            if not picked:
                return 0
            token = f"relay:{owner}"[:120]
            Job.objects.filter(pk__in=[pk for pk, _ in picked], status=JobStatus.QUEUED).update(
                status=JobStatus.SENT, locked_by=token, locked_at=now
            )
            sent = list(
                Job.objects.filter(
                    pk__in=[pk for pk, _ in picked], status=JobStatus.SENT, locked_by=token,
                    locked_at=now,
                ).values_list("pk", "attempts")
            )
        for pk, attempts in sent:
            # Message id = job id (a retry adds the attempt, so it never collides with the
            # copy of an earlier attempt still held by the broker).
            message_id = str(pk) if attempts == 0 else f"{pk}.{attempts}"
            self.broker.enqueue(
                Message(
                    queue_name=self.queue,
                    actor_name=ACTOR_NAME,
                    args=(pk,),
                    kwargs={},
                    options={},
                    message_id=message_id,
                )
            )
        return len(sent)

    def pending(self) -> int:
        now = timezone.now()
        return Job.objects.filter(
            Q(status__in=[JobStatus.SENT, JobStatus.RUNNING])
            | Q(status=JobStatus.QUEUED, run_after__lte=now)
        ).count()

    def run(
        self, *, stop: threading.Event, burst: bool, batch: int, with_scheduler: bool
    ) -> int:
        from dramatiq import Worker

        owner = worker.worker_name()
        state: dict[str, float] = {}
        relayed = 0
        poll = min(0.2, float(conf.get("JOBS_POLL_SECONDS")))
        dramatiq_worker = Worker(
            self.broker, queues={self.queue}, worker_threads=self.threads, worker_timeout=100
        )
        dramatiq_worker.start()
        worker.start_heartbeat()
        try:
            while not stop.is_set():
                _housekeeping(owner=owner, with_scheduler=with_scheduler, state=state)
                got = self.relay_once(owner=owner, limit=batch)
                relayed += got
                worker.close_stale_connections()
                if got:
                    continue
                if burst and not self.pending():
                    break
                stop.wait(poll)
        finally:
            dramatiq_worker.stop(timeout=30_000)
            worker.stop_heartbeat()
            self.broker.close()
            worker.close_stale_connections()
        return relayed

    def flush(self) -> None:
        """Drop every message of our queue (tests)."""
        self.broker.flush(self.queue)


def get_backend(url: str | None = None) -> QueueBackend:
    url = conf.broker_url() if url is None else url
    return DramatiqBackend(url) if url else DatabaseBackend()
