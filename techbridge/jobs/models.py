"""The job queue's tables: the outbox of side effects and the record of periodic runs.

``Job`` is both the queue (database mode) and the outbox and record of truth (broker mode,
ADR 0007): a row is inserted in the business transaction that causes it, so it exists
exactly when the change does. ``ScheduledRun`` holds one row per occurrence of a periodic
job; its UNIQUE constraint is what lets only one node run each occurrence.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent to the broker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# Statuses of work not finished yet (queue depth counts these).
PENDING_STATUSES = (JobStatus.QUEUED, JobStatus.SENT, JobStatus.RUNNING)


class Job(models.Model):
    name = models.CharField(_("job"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=3)
    run_after = models.DateTimeField(_("run after"), default=timezone.now)
    locked_by = models.CharField(_("locked by"), max_length=120, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["id"]
        indexes = [
            # The claim query: queued and due, oldest first.
            models.Index(fields=["status", "run_after", "id"], name="job_claim"),
            models.Index(fields=["status", "locked_at"], name="job_stale"),
        ]
        constraints = [
            # One queued job per dedupe key: enqueueing the same side effect twice while the
            # first is still waiting adds nothing.
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(status="queued") & Q(dedupe_key__isnull=False),
                name="job_dedupe_while_queued",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in JobStatus]), name="job_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} {self.status}"


class ScheduledRun(models.Model):
    """One occurrence of a periodic job, inserted by whichever node's scheduler ticks first."""

    name = models.CharField(_("schedule"), max_length=100)
    due_at = models.DateTimeField(_("due at"))
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.CharField(_("created by"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "due_at"], name="scheduled_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.due_at:%Y-%m-%d %H:%M}"
