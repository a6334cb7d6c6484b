"""RecordEvent: the history of every catalogue record's status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordEvent(models.Model):
    """One status change (or renewal / confirmation) of a record of ``kind`` with
    ``record_id``. Written by the services in the same transaction as the change."""

    kind = models.CharField(_("record kind"), max_length=16)
    record_id = models.BigIntegerField(_("record id"))
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("record event")
        verbose_name_plural = _("record events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kind", "record_id", "at"], name="cat_event_record")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.record_id} {self.from_status}→{self.to_status}"
