"""Writing to the queue: enqueue (inside the caller's transaction), re-run failed jobs,
prune finished ones. Claiming and running jobs is the worker's (worker.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.jobs import conf, registry
from techbridge.jobs.models import Job, JobStatus


def enqueue(
    name: str,
    payload: dict[str, Any] | None = None,
    *,
    run_after: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Insert a queued job in the CURRENT transaction: a rollback enqueues nothing, a
    commit can no longer lose it. ``payload`` must be JSON (ids, not objects). With a
    ``dedupe_key`` a job still queued under that key is returned instead of a new one."""
    spec = registry.get(name)
    attempts = max_attempts or (spec.max_attempts if spec else int(conf.get("JOBS_MAX_ATTEMPTS")))
    job = Job(
        name=name,
        payload=payload or {},
        run_after=run_after or timezone.now(),
        dedupe_key=dedupe_key,
        max_attempts=attempts,
    )
    if dedupe_key is None:
        job.save(force_insert=True)
    else:
        # INSERT … ON CONFLICT DO NOTHING (SQLite: INSERT OR IGNORE): no savepoint needed, and
        # the caller's transaction survives a duplicate.
        for _try in range(3):
            Job.objects.bulk_create([job], ignore_conflicts=True)
            found = Job.objects.filter(dedupe_key=dedupe_key, status=JobStatus.QUEUED).first()
            if found is not None:
                job = found
                break
            # The queued twin was claimed by a worker between our insert and this read:
            # it is running now, so ours is a new occurrence — insert it again.
            job.pk = None
        else:
            raise RuntimeError(f"could not enqueue {name!r} under dedupe key {dedupe_key!r}")
    if conf.get("JOBS_EAGER"):
        job_id = job.pk
        transaction.on_commit(lambda: _run_eagerly(job_id))
    return job


def _run_eagerly(job_id: int) -> None:
    from techbridge.jobs.worker import run_job_now

    run_job_now(job_id)


def _requeued() -> dict[str, Any]:
    """The columns of a failed job put back in the queue with a fresh set of attempts."""
    return {
        "status": JobStatus.QUEUED,
        "attempts": 0,
        "run_after": timezone.now(),
        "locked_by": "",
        "locked_at": None,
        "finished_at": None,
    }


@transaction.atomic
def job_retry(*, actor: Any, job: Job) -> bool:
    """Put a failed job back in the queue with a fresh set of attempts (audited). False if
    the job was no longer failed (someone else re-ran it first)."""
    changed = Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(**_requeued())
    if changed:
        audit_record(
            AuditEventType.TRANSITION,
            actor=actor,
            obj=job,
            detail={"from": JobStatus.FAILED, "to": JobStatus.QUEUED, "job": job.name},
        )
    return bool(changed)


@transaction.atomic
def jobs_retry_all_failed(*, actor: Any) -> int:
    """Re-queue every failed job (one audit row naming how many)."""
    ids = list(Job.objects.filter(status=JobStatus.FAILED).values_list("pk", flat=True))
    if not ids:
        return 0
    changed = Job.objects.filter(pk__in=ids, status=JobStatus.FAILED).update(**_requeued())
    audit_record(
        AuditEventType.TRANSITION,
        actor=actor,
        object_type="jobs.job",
        object_repr="all failed jobs",
        detail={"from": JobStatus.FAILED, "to": JobStatus.QUEUED, "count": changed},
    )
    return changed


def jobs_prune(*, older_than: timedelta | None = None) -> int:
    """Delete done jobs finished before ``older_than`` ago (JOBS_KEEP_DONE_DAYS); failed
    jobs stay until an administrator re-runs them."""
    keep = older_than or timedelta(days=int(conf.get("JOBS_KEEP_DONE_DAYS")))
    deleted, _ = Job.objects.filter(
        status=JobStatus.DONE, finished_at__lt=timezone.now() - keep
    ).delete()
    return deleted
