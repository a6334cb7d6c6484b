"""Writing audit rows. Every business write calls ``audit_record`` in its own transaction,
so the row exists exactly when the change does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models

from techbridge.audit.models import AuditEvent, AuditEventType, AuditResult
from techbridge.core import context
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.logging import escape_control


def _label(actor: Actor) -> str:
    user = actor_or_none(actor)
    return "" if user is None else str(user.get_username())[:150]


def _object_fields(obj: models.Model | None) -> dict[str, str]:
    if obj is None:
        return {}
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk or ""),
        "object_repr": escape_control(str(obj))[:200],
    }


def build_audit_row(
    event: AuditEventType | str,
    *,
    actor: Actor,
    obj: models.Model | None,
    result: AuditResult | str,
    detail: dict[str, Any] | None,
    object_type: str | None,
    object_id: str | None,
    object_repr: str | None,
) -> AuditEvent:
    """An unsaved audit row for the current request context, for bulk writers that insert
    rows themselves (imports); everyone else calls audit_record / audit_record_many."""
    info = context.current()
    fields = _object_fields(obj)
    if object_type is not None:
        fields["object_type"] = object_type
    if object_id is not None:
        fields["object_id"] = str(object_id)[:64]
    if object_repr is not None:
        fields["object_repr"] = escape_control(object_repr)[:200]
    return AuditEvent(
        actor=actor_or_none(actor),
        actor_label=_label(actor),
        source_address=info.source_address,
        request_id=info.request_id if info.request_id != "-" else "",
        channel=info.channel,
        event=str(event),
        result=str(result),
        detail=detail or {},
        **fields,
    )


def audit_record(
    event: AuditEventType | str,
    *,
    actor: Actor = None,
    obj: models.Model | None = None,
    result: AuditResult | str = AuditResult.SUCCESS,
    detail: dict[str, Any] | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one audit row. ``detail`` must not contain personal data or secrets — name
    the changed fields, not their values."""
    row = build_audit_row(
        event,
        actor=actor,
        obj=obj,
        result=result,
        detail=detail,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
    )
    row.save()
    return row


def audit_record_many(
    event: AuditEventType | str,
    *,
    actor: Actor,
    objects: Iterable[models.Model],
    detail: dict[str, Any] | None = None,
    batch_size: int = 2000,
) -> int:
    """One row per object for bulk services (imports, bulk publish); returns the count."""
    rows = [
        build_audit_row(
            event,
            actor=actor,
            obj=obj,
            result=AuditResult.SUCCESS,
            detail=detail,
            object_type=None,
            object_id=None,
            object_repr=None,
        )
        for obj in objects
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> Sequence[str]:
    """Names of the fields whose values differ (values themselves are not audited)."""
    return sorted(name for name in after if before.get(name) != after[name])
