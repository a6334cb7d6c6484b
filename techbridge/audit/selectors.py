"""Reading the audit trail (audit administrator only; enforced in the views)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from techbridge.audit.models import AuditEvent, AuditEventType


def audit_events(
    *,
    actor: str = "",
    event: str = "",
    object_type: str = "",
    object_id: str = "",
    result: str = "",
    source_address: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if event:
        qs = qs.filter(event=event)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if result:
        qs = qs.filter(result=result)
    if source_address:
        qs = qs.filter(source_address=source_address)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tz))
    if date_to:
        qs = qs.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tz))
    return qs.order_by("-at", "-id")


def object_history(obj_type: str, obj_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=obj_type, object_id=obj_id).order_by("at", "id")


def _object_rows(obj: Model) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def last_transition_id(obj: Model, *, to: Iterable[str]) -> int:
    """Id of the newest status-change row of ``obj`` into one of ``to`` (0 if none)."""
    row = (
        _object_rows(obj)
        .filter(event=AuditEventType.TRANSITION, detail__to__in=list(to))
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return int(row or 0)


def edited_by_since(obj: Model, *, actor: Any, after_id: int) -> bool:
    """Did ``actor`` edit ``obj`` after the audit row ``after_id``? (separation of duties:
    who rewrote a record does not approve it)."""
    if actor is None or not getattr(actor, "pk", None):
        return False
    return (
        _object_rows(obj)
        .filter(event=AuditEventType.UPDATE, actor_id=actor.pk, id__gt=after_id)
        .exists()
    )
