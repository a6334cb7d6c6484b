"""Demand-specific services: recording a demand on an enterprise's behalf (station
staff), the enterprise's confirmation, renewal and expiry."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.catalogue import selectors
from techbridge.catalogue.models import Channel, Demand, RecordEvent, RecordEventKind, Status
from techbridge.catalogue.services.records import create_record, record_expire
from techbridge.core.actors import Actor
from techbridge.core.events import record_event
from techbridge.core.exceptions import TransitionError
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.search.indexing import index_on_commit


@transaction.atomic
def demand_record_for_enterprise(*, actor: Actor, enterprise: Organisation, **data: Any) -> Demand:
    """Station (or tech-squad) staff record a demand collected on a visit. The enterprise
    owns it and must confirm it before it can be submitted for review."""
    if not (selectors.is_active_user(actor) and actor.role == Role.STATION_STAFF):
        raise PermissionDenied(_("Only station staff record demands for enterprises."))
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise ValidationError({"enterprise": _("Demands are recorded for enterprises.")})
    data.setdefault("channel", Channel.STATION_VISIT)
    record = create_record(
        actor=actor,
        kind="demand",
        owner=enterprise,
        data=data,
        extra={"recorded_by_station_id": actor.organisation_id},
    )
    assert isinstance(record, Demand)
    return record


@transaction.atomic
def demand_confirm(*, actor: Actor, demand: Demand) -> Demand:
    """The enterprise confirms a demand a station recorded for it."""
    if not (
        selectors.is_active_user(actor)
        and actor.is_member
        and actor.organisation_id == demand.owner_id
    ):
        raise PermissionDenied(_("Only the enterprise's members confirm its demands."))
    if not demand.needs_confirmation:
        raise TransitionError(_("This demand does not need a confirmation."))
    now = timezone.now()
    updated = Demand.objects.filter(pk=demand.pk, confirmed_by_enterprise_at__isnull=True).update(
        confirmed_by_enterprise_at=now, version=F("version") + 1, updated_at=now
    )
    if updated != 1:
        raise TransitionError(_("This demand was confirmed already."))
    demand.refresh_from_db()
    record_event(
        RecordEvent,
        subject=demand,
        actor=actor,
        kind=RecordEventKind.CONFIRMED,
        from_state=demand.status,
        to_state=demand.status,
        note=_("Confirmed by the enterprise"),
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=demand, detail={"fields": ["confirmed"]})
    return demand


@transaction.atomic
def demand_renew(*, actor: Actor, demand: Demand, expires_on: date) -> Demand:
    """Extend a demand's listing; an expired demand is listed again (it was reviewed)."""
    if not selectors.can_edit(actor, demand):
        raise PermissionDenied
    if expires_on <= timezone.localdate():
        raise ValidationError({"expires_on": _("The new expiry date must be in the future.")})
    if demand.status not in (Status.PUBLISHED, Status.EXPIRED):
        raise TransitionError(_("Only published or expired demands are renewed."))
    old = demand.status
    now = timezone.now()
    updated = Demand.objects.filter(
        pk=demand.pk, status__in=[Status.PUBLISHED, Status.EXPIRED]
    ).update(
        expires_on=expires_on,
        status=Status.PUBLISHED,
        version=F("version") + 1,
        updated_at=now,
    )
    if updated != 1:
        raise TransitionError(_("Someone else changed this demand's status; reload the page."))
    demand.refresh_from_db()
    record_event(
        RecordEvent,
        subject=demand,
        actor=actor,
        kind=RecordEventKind.RENEWED,
        from_state=old,
        to_state=Status.PUBLISHED,
        note=_("Renewed until %(d)s") % {"d": expires_on.isoformat()},
    )
    audit_record(
        AuditEventType.TRANSITION,
        actor=actor,
        obj=demand,
        detail={"from": old, "to": Status.PUBLISHED, "renewed": True},
    )
    index_on_commit("demand", demand.pk)
    return demand


def demands_expire_due(*, today: date | None = None, actor: Actor = None) -> int:
    """Expire every published demand whose ``expires_on`` has passed; returns the count.
    Each demand in its own transaction, so one failure does not undo the others."""
    today = today or timezone.localdate()
    count = 0
    due = Demand.objects.filter(status=Status.PUBLISHED, expires_on__lt=today).only("pk")
    for pk in list(due.values_list("pk", flat=True)):
        demand = Demand.objects.get(pk=pk)
        try:
            record_expire(actor=actor, record=demand)
        except TransitionError:
            continue  # changed meanwhile (withdrawn or renewed)
        count += 1
    return count
