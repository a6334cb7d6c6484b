"""Storing attachments: one call for every app's attachment table (core.models.AttachmentBase).

``store_attachment(ContractAttachment, subject=contract, actor=actor, upload=upload)``
checks the upload (core.uploads.check_upload: allowed type by content, at most 10 MB),
stores it under a random name and returns the saved row. The caller has checked that
``actor`` may attach to ``subject`` and writes its event and audit row.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.models import AttachmentBase
from techbridge.core.uploads import check_upload

A = TypeVar("A", bound=AttachmentBase)


def store_attachment(model: type[A], *, subject: models.Model, actor: Actor, upload: Any) -> A:
    """Check ``upload`` (ValidationError naming the file field if refused) and store it
    as a new ``model`` row attached to ``subject``."""
    content_type = check_upload(upload)
    name = upload.name or "attachment"
    attachment = model(
        **{model.subject_field: subject},
        original_name=name[:200],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor_or_none(actor),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save(force_insert=True)
    return attachment
