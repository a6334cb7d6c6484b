"""Claiming and running jobs — the part both queue backends share.

The one rule that keeps a job from running twice: a job only runs after THIS worker's
conditional UPDATE moved it to ``running`` (``WHERE status = <expected>``; on PostgreSQL
the candidates are picked with ``FOR UPDATE SKIP LOCKED`` so workers do not queue on each
other's rows, on SQLite the IMMEDIATE transaction serialises claimers). A broker that
delivers a message twice finds the job no longer ``sent`` and drops the copy.

A job's attempt is counted when it is claimed, so a worker killed mid-job still used one;
stale-lock recovery hands such jobs back to the queue (or fails them when no attempts are
left). Successes of a batch are recorded together (at most every DONE_FLUSH_SECONDS): one
commit per batch instead of per job, at the price that a worker killed mid-batch runs
those jobs again — which idempotent handlers allow. Handlers run outside any transaction
of ours: they call services, which open their own, and a long handler never holds
SQLite's write lock.
"""

from __future__ import annotations

import contextvars
import logging
import os
import random
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from techbridge.core import context
from techbridge.jobs import conf, registry
from techbridge.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

ERROR_LIMIT = 4000
DONE_FLUSH_SECONDS = 0.5

_current_job: contextvars.ContextVar[Job | None] = contextvars.ContextVar(
    "techbridge_job", default=None
)


def current_job() -> Job | None:
    """The job being run in this thread (handlers may read its id and attempt)."""
    return _current_job.get()


def close_stale_connections() -> None:
    """Between batches: drop connections past CONN_MAX_AGE or broken — but never inside a
    transaction (the worker command run from a test, or from a caller's atomic block)."""
    if not connection.in_atomic_block:
        close_old_connections()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


# --- claiming ------------------------------------------------------------------------------


def claim(
    *,
    owner: str,
    limit: int,
    from_status: str = JobStatus.QUEUED,
    ids: Iterable[int] | None = None,
) -> list[Job]:
    """Move up to ``limit`` due jobs from ``from_status`` to running for ``owner``; returns
    exactly the jobs this call won (attempts already incremented)."""
    now = timezone.now()
    token = f"{owner}:{uuid.uuid4().hex[:8]}"
    with transaction.atomic():
        qs = Job.objects.filter(status=from_status)
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        if from_status == JobStatus.QUEUED:
            qs = qs.filter(run_after__lte=now)
        qs = qs.order_by("run_after", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        picked = list(qs.values_list("pk", flat=True)[:limit])
        if not picked:
            return []
        Job.objects.filter(pk__in=picked, status=from_status).update(
            status=JobStatus.RUNNING,
            locked_by=token,
            locked_at=now,
            attempts=F("attempts") + 1,
        )
        return list(
            Job.objects.filter(pk__in=picked, status=JobStatus.RUNNING, locked_by=token).order_by(
                "run_after", "id"
            )
        )


def release(jobs: Iterable[Job]) -> int:
    """Hand claimed-but-unstarted jobs back (shutdown mid-batch); their attempt is undone."""
    count = 0
    for job in jobs:
        count += Job.objects.filter(
            pk=job.pk, status=JobStatus.RUNNING, locked_by=job.locked_by
        ).update(
            status=JobStatus.QUEUED,
            locked_by="",
            locked_at=None,
            attempts=F("attempts") - 1,
        )
    return count


# --- running -------------------------------------------------------------------------------


def backoff_seconds(attempt: int) -> float:
    """Wait before attempt ``attempt + 1``: base · 2^(attempt-1), jittered ±50 %, capped."""
    base = float(conf.get("JOBS_RETRY_BASE_SECONDS"))
    cap = float(conf.get("JOBS_RETRY_MAX_SECONDS"))
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return delay * random.uniform(0.5, 1.5)


def _error_text(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return text[-ERROR_LIMIT:]


def execute(job: Job, *, done: list[Job] | None = None) -> bool:
    """Run a claimed job's handler and record the outcome; True if it succeeded. Never
    raises for a handler's failure (that is recorded and retried). With ``done`` a success
    is appended there for :func:`mark_done` to record with others in one write."""
    return execute_group([job], done=done)


def execute_group(jobs: list[Job], *, done: list[Job] | None = None) -> bool:
    """Run claimed jobs of one name: a batch handler gets all payloads in one call, any
    other handler is called once per job (through :func:`execute`'s path, one at a time)."""
    spec = registry.get(jobs[0].name)
    if spec is not None and not spec.batch and len(jobs) > 1:
        results = [execute_group([job], done=done) for job in jobs]
        return all(results)
    first = jobs[0]
    job_token = _current_job.set(first)
    ctx_token = context.bind(context.RequestInfo(request_id=f"job{first.pk}", channel="system"))
    tokens = {job.locked_by for job in jobs}
    for token in tokens:
        _heartbeat.add(token)
    try:
        if spec is None:
            raise LookupError(f"no handler is registered for job {first.name!r}")
        if spec.batch:
            spec.handler(payloads=[job.payload or {} for job in jobs])
        else:
            spec.handler(**(first.payload or {}))
    except Exception as exc:  # any handler failure is the job's, recorded below, not ours
        logger.warning("job %s #%s failed (attempt %s)", first.name, first.pk, first.attempts)
        for job in jobs:
            _record_failure(job, job.locked_by, exc)
        return False
    finally:
        for token in tokens:
            _heartbeat.discard(token)
        context.reset(ctx_token)
        _current_job.reset(job_token)
    if done is not None:
        done.extend(jobs)
    else:
        mark_done(list(jobs))
    return True


def mark_done(jobs: list[Job]) -> int:
    """Record successes, one UPDATE per claim token (SQLite pays one fsync per commit, so
    a batch of quick jobs must not commit one by one). Only rows still locked by their
    claim are touched: a job whose lock expired meanwhile belongs to its new claimer."""
    count = 0
    by_token: dict[str, list[int]] = {}
    for job in jobs:
        by_token.setdefault(job.locked_by, []).append(job.pk)
    for token, ids in by_token.items():
        count += Job.objects.filter(pk__in=ids, status=JobStatus.RUNNING, locked_by=token).update(
            status=JobStatus.DONE, finished_at=timezone.now(), locked_by="", locked_at=None
        )
    jobs.clear()
    return count


def _record_failure(job: Job, token: str, exc: BaseException) -> None:
    now = timezone.now()
    error = _error_text(exc)
    mine = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, locked_by=token)
    if job.attempts >= job.max_attempts:
        mine.update(
            status=JobStatus.FAILED,
            last_error=error,
            finished_at=now,
            locked_by="",
            locked_at=None,
        )
    else:
        mine.update(
            status=JobStatus.QUEUED,
            last_error=error,
            run_after=now + timedelta(seconds=backoff_seconds(job.attempts)),
            locked_by="",
            locked_at=None,
        )


def run_job_now(job_id: int) -> bool:
    """Eager mode (JOBS_EAGER, tests): claim and run one queued job at once, if due."""
    jobs = claim(owner=worker_name(), limit=1, ids=[job_id])
    return bool(jobs) and execute(jobs[0])


def process_batch(*, owner: str, limit: int, stop: threading.Event | None = None) -> int:
    """Claim up to ``limit`` due jobs and run them in order; returns how many were claimed."""
    jobs = claim(owner=owner, limit=limit)
    done: list[Job] = []
    first_done = 0.0
    try:
        for index, group in _groups(jobs):
            if stop is not None and stop.is_set():
                release(jobs[index:])
                break
            execute_group(group, done=done)
            # Successes are recorded together, but never held back longer than this.
            now = time.monotonic()
            if done and not first_done:
                first_done = now
            if done and now - first_done >= DONE_FLUSH_SECONDS:
                mark_done(done)
                first_done = 0.0
    finally:
        mark_done(done)
    return len(jobs)


def _groups(jobs: list[Job]) -> Iterator[tuple[int, list[Job]]]:
    """(index of the first, jobs) for runs of consecutive jobs of one batch handler; every
    other job on its own. Claim order is kept."""
    index = 0
    while index < len(jobs):
        spec = registry.get(jobs[index].name)
        end = index + 1
        if spec is not None and spec.batch:
            while end < len(jobs) and jobs[end].name == jobs[index].name:
                end += 1
        yield index, jobs[index:end]
        index = end


# --- stale locks ---------------------------------------------------------------------------


def recover_stale() -> dict[str, int]:
    """Jobs whose worker died: ``running`` with a lock older than JOBS_LOCK_TIMEOUT_SECONDS
    go back to the queue (their attempt counted) or fail when none is left; ``sent`` jobs
    the broker never delivered go back to the queue for the relay to send again."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=int(conf.get("JOBS_LOCK_TIMEOUT_SECONDS")))
    stale = Job.objects.filter(status=JobStatus.RUNNING, locked_at__lt=cutoff)
    note = "worker stopped before finishing this job (lock expired)"
    failed = stale.filter(attempts__gte=F("max_attempts")).update(
        status=JobStatus.FAILED, last_error=note, finished_at=now, locked_by="", locked_at=None
    )
    requeued = stale.update(
        status=JobStatus.QUEUED, last_error=note, run_after=now, locked_by="", locked_at=None
    )
    resent = Job.objects.filter(status=JobStatus.SENT, locked_at__lt=cutoff).update(
        status=JobStatus.QUEUED, locked_by="", locked_at=None
    )
    if failed or requeued or resent:
        logger.warning(
            "jobs: stale locks — %d requeued, %d failed, %d unsent", requeued, failed, resent
        )
    return {"requeued": requeued, "failed": failed, "resent": resent}


class _Heartbeat:
    """Keeps ``locked_at`` fresh for the jobs this process is running, so a long job is not
    mistaken for one whose worker died."""

    def __init__(self) -> None:
        self.tokens: set[str] = set()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.stop = threading.Event()

    def add(self, token: str) -> None:
        with self.lock:
            self.tokens.add(token)

    def discard(self, token: str) -> None:
        with self.lock:
            self.tokens.discard(token)

    def start(self) -> None:
        if self.thread is None or not self.thread.is_alive():
            self.stop.clear()
            self.thread = threading.Thread(target=self._run, name="jobs-heartbeat", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        interval = max(1.0, int(conf.get("JOBS_LOCK_TIMEOUT_SECONDS")) / 4)
        while not self.stop.wait(interval):
            with self.lock:
                tokens = list(self.tokens)
            if not tokens:
                continue
            try:
                Job.objects.filter(status=JobStatus.RUNNING, locked_by__in=tokens).update(
                    locked_at=timezone.now()
                )
            except Exception:  # a busy database must not kill the heartbeat; next beat retries
                logger.warning("jobs: heartbeat failed", exc_info=True)
            finally:
                close_old_connections()
        connection.close()


_heartbeat = _Heartbeat()


def start_heartbeat() -> None:
    _heartbeat.start()


def stop_heartbeat() -> None:
    _heartbeat.stop.set()
