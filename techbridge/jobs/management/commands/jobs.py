"""`techbridge jobs list|failed|retry ID|retry-all-failed|stats`: the queue from the shell."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from techbridge.core import context
from techbridge.jobs import registry, selectors, services
from techbridge.jobs.models import Job, JobStatus


class Command(BaseCommand):
    help = "Inspect the job queue and re-run failed jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="latest jobs")
        listing.add_argument("--status", choices=JobStatus.values)
        listing.add_argument("--limit", type=int, default=50)
        sub.add_parser("failed", help="failed jobs with their last error line")
        retry = sub.add_parser("retry", help="re-queue one failed job")
        retry.add_argument("id", type=int)
        sub.add_parser("retry-all-failed", help="re-queue every failed job")
        stats = sub.add_parser("stats", help="queue depth, oldest waiting job, failures")
        stats.add_argument("--json", action="store_true")
        sub.add_parser("schedules", help="declared periodic jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        token = context.bind(context.RequestInfo(channel="cli"))
        try:
            getattr(self, "do_" + options["action"].replace("-", "_"))(options)
        finally:
            context.reset(token)

    def _line(self, job: Job) -> str:
        return (
            f"{job.pk:>8} {job.status:<8} {job.attempts}/{job.max_attempts} "
            f"{job.created_at:%Y-%m-%d %H:%M:%S} {job.name}"
        )

    def do_list(self, options: dict[str, Any]) -> None:
        for job in selectors.jobs(options["status"])[: options["limit"]]:
            self.stdout.write(self._line(job))

    def do_failed(self, options: dict[str, Any]) -> None:
        for job in selectors.failed_jobs():
            last = (job.last_error.strip().splitlines() or [""])[-1]
            self.stdout.write(f"{self._line(job)}  {last[:200]}")

    def do_retry(self, options: dict[str, Any]) -> None:
        job = selectors.failed_jobs().filter(pk=options["id"]).first()
        if job is None or not services.job_retry(actor=None, job=job):
            raise CommandError(f"job {options['id']} is not failed (nothing to re-run)")
        self.stdout.write(f"job {job.pk} queued again")

    def do_retry_all_failed(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"{services.jobs_retry_all_failed(actor=None)} job(s) queued again")

    def do_stats(self, options: dict[str, Any]) -> None:
        stats = selectors.queue_stats()
        data = {
            "depth": stats.depth,
            "due": stats.due,
            "failed": stats.failed,
            "oldest_queued_seconds": stats.oldest_queued_seconds,
            "by_status": stats.by_status,
        }
        if options["json"]:
            self.stdout.write(json.dumps(data))
            return
        for key, value in data.items():
            self.stdout.write(f"{key}: {value}")

    def do_schedules(self, options: dict[str, Any]) -> None:
        for s in registry.schedules():
            when = s.cron or f"every {s.every}"
            self.stdout.write(f"{s.name:<32} {when:<20} → {s.job_name}")
