"""RecordEvent: the history of every catalogue record's status."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from techbridge.core.models import EventBase


class RecordEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    RENEWED = "renewed", _("Renewed")
    CONFIRMED = "confirmed", _("Confirmed by the enterprise")
    CONSENT = "consent", _("Consent withdrawn")
    DELETED = "deleted", _("Deleted")


class RecordEvent(EventBase):
    """One status change (or renewal / confirmation) of the record of ``record_kind`` with
    ``record_id`` (core.models.EventBase; the states are catalogue statuses). Records of
    six kinds live in six tables, so the subject is (kind, id) rather than a foreign key."""

    record_kind = models.CharField(_("record kind"), max_length=16)
    record_id = models.BigIntegerField(_("record id"))
    kind = models.CharField(_("event"), max_length=16, choices=RecordEventKind)

    class Meta(EventBase.Meta):
        verbose_name = _("record event")
        verbose_name_plural = _("record events")
        indexes = [
            models.Index(fields=["record_kind", "record_id", "at"], name="cat_event_record")
        ]

    @classmethod
    def subject_values(cls, subject: models.Model) -> dict[str, Any]:
        return {"record_kind": subject.KIND, "record_id": subject.pk}  # type: ignore[attr-defined]

    def __str__(self) -> str:
        return f"{self.record_kind}:{self.record_id} {self.from_state}→{self.to_state}"
