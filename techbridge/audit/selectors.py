"""Reading the audit trail (audit administrator only; enforced in the views)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from techbridge.audit.models import AuditEvent


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
