"""Base models shared by the domain apps."""

from __future__ import annotations

from typing import Any

from django.db import models
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
