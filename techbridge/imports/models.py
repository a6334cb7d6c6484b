"""Import runs: what was imported, from which file (hash), by whom, with what result,
and how far a chunked write has got."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    DRY_RUN = "dry_run", _("Checked (dry run)")


class ImportRun(models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Progress of the chunked write (ADR 0006): rows and chunks committed so far, the
    # process doing it and when it last showed signs of life, so that a killed run is
    # found (mark_stale_runs_failed) and the message says where a re-run resumes.
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks written"), default=0)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} {self.status}"
