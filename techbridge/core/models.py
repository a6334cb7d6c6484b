"""Base models shared by the domain apps."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techbridge.core.exceptions import ConflictError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """Optimistic concurrency: every saved edit bumps ``version``; an edit based on an older
    version is refused with ConflictError (HTTP 409) instead of overwriting silently."""

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True

    def save_versioned(self, *, expected_version: int | None, update_fields: list[str]) -> None:
        """Write ``update_fields`` only if the stored version is still ``expected_version``
        (None = the version this instance was loaded with), then bump the version."""
        expected = self.version if expected_version is None else expected_version
        values: dict[str, Any] = {name: getattr(self, name) for name in update_fields}
        values["version"] = expected + 1
        # updated_at is auto_now, which .update() does not apply by itself.
        self.updated_at = type(self)._meta.get_field("updated_at").pre_save(self, add=False)
        values["updated_at"] = self.updated_at
        updated = type(self)._base_manager.filter(pk=self.pk, version=expected).update(**values)
        if updated != 1:
            raise ConflictError()
        self.version = expected + 1


class SequenceCounter(models.Model):
    """The last number given out in one numbering ``scope`` (for example
    ``contracts.registration:2026:52010001``). Taken only through
    ``core.sequences.next_number``, inside the transaction that uses the number."""

    scope = models.CharField(_("scope"), max_length=100, unique=True)
    last = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("sequence counter")
        verbose_name_plural = _("sequence counters")

    def __str__(self) -> str:
        return f"{self.scope}:{self.last}"


class EventBase(models.Model):
    """One thing that happened to an aggregate, written by its service in the same
    transaction (``core.events.record_event``). Each app keeps its own concrete table
    with a foreign key to its aggregate (named by ``subject_field``) and its own ``kind``
    choices; the columns below are the same in every app, so history pages, exports and
    the admin read every event table alike."""

    kind = models.CharField(_("event"), max_length=16)
    from_state = models.CharField(_("from state"), max_length=16, blank=True)
    to_state = models.CharField(_("to state"), max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    # Names of changed fields, old → new values, ids of related rows (no personal data).
    data = models.JSONField(_("data"), default=dict, blank=True)

    # The foreign key to the aggregate the event belongs to.
    subject_field: ClassVar[str] = ""

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        change = f" {self.from_state}→{self.to_state}" if self.from_state or self.to_state else ""
        return f"{self.kind}{change}"

    @classmethod
    def subject_values(cls, subject: models.Model) -> dict[str, Any]:
        """The field values that tie an event to ``subject``."""
        return {cls.subject_field: subject}


def attachment_path(instance: Any, filename: str) -> str:
    """A random name in the model's ``upload_folder``: the user's file name is kept in
    ``original_name`` only, never in a path."""
    return f"{instance.upload_folder}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class AttachmentBase(models.Model):
    """A file attached to an aggregate, stored by ``core.attachments.store_attachment``
    (checked by core.uploads) and served only as a download. Each app keeps its own table
    with a foreign key to its aggregate (``subject_field``) and its own ``upload_folder``."""

    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    subject_field: ClassVar[str] = ""
    upload_folder: ClassVar[str] = "attachments"

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def download(self) -> Any:
        """The file as a download response (never rendered inline)."""
        from techbridge.core.uploads import download_response

        return download_response(
            self.file, filename=self.original_name, content_type=self.content_type
        )
