"""Reading the queue: depth, oldest waiting job, failed jobs (the system administrator's
page, the CLI and /readyz)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from techbridge.jobs.models import PENDING_STATUSES, Job, JobStatus


@dataclass(frozen=True)
class QueueStats:
    by_status: dict[str, int] = field(default_factory=dict)
    depth: int = 0  # queued + sent + running
    due: int = 0  # queued and due now
    failed: int = 0
    oldest_queued_seconds: float | None = None  # age of the oldest due queued job


def queue_stats() -> QueueStats:
    counts = dict(Job.objects.values("status").annotate(n=Count("id")).values_list("status", "n"))
    now = timezone.now()
    due = Job.objects.filter(status=JobStatus.QUEUED, run_after__lte=now)
    oldest = due.aggregate(oldest=Min("created_at"))["oldest"]
    return QueueStats(
        by_status={status: counts.get(status, 0) for status in JobStatus.values},
        depth=sum(counts.get(s, 0) for s in PENDING_STATUSES),
        due=due.count(),
        failed=counts.get(JobStatus.FAILED, 0),
        oldest_queued_seconds=(now - oldest).total_seconds() if oldest else None,
    )


def failed_jobs() -> QuerySet[Job]:
    return Job.objects.filter(status=JobStatus.FAILED).order_by("-finished_at", "-id")


def jobs(status: str | None = None) -> QuerySet[Job]:
    qs = Job.objects.all()
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")
