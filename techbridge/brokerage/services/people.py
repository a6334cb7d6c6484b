"""Broker profiles, stations, tech squads and the visit log. Demands collected on a
visit are recorded through the catalogue's on-behalf flow (the enterprise confirms)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record, changed_fields
from techbridge.brokerage.models import BrokerProfile, Station, TechSquad, VisitLog
from techbridge.brokerage.services._common import is_bureau
from techbridge.catalogue.services import Channel, demand_record_for_enterprise
from techbridge.codes.choices import TechField
from techbridge.core.actors import Actor, actor_or_none, is_active_user
from techbridge.organisations.models import Organisation, OrganisationKind

if TYPE_CHECKING:
    from techbridge.catalogue.models import Demand

PROFILE_FIELDS = (
    "agency",
    "certificate_number",
    "certified_on",
    "training_records",
    "technical_fields",
    "bio",
)


@transaction.atomic
def broker_profile_save(*, actor: Actor, broker: Any, **data: Any) -> BrokerProfile:
    """Create or edit a broker's profile (the broker or bureau staff)."""
    if broker.role != Role.BROKER:
        raise ValidationError(_("Profiles are kept for brokers only."))
    if not (is_bureau(actor) or (is_active_user(actor) and actor.pk == broker.pk)):
        raise PermissionDenied
    data = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    fields = data.get("technical_fields")
    if fields is not None and any(f not in TechField.values for f in fields):
        raise ValidationError({"technical_fields": _("Unknown technical field.")})
    for record in data.get("training_records") or []:
        if not isinstance(record, dict) or not record.get("course"):
            raise ValidationError({"training_records": _("Each training record names a course.")})
    profile, created = BrokerProfile.objects.get_or_create(
        user=broker, defaults={"agency_id": broker.organisation_id}
    )
    before = {name: getattr(profile, name) for name in data}
    changed = list(changed_fields(before, data))
    for name in changed:
        setattr(profile, name, data[name])
    if changed:
        profile.save_versioned(expected_version=None, update_fields=changed)
    if created:
        audit_record(AuditEventType.CREATE, actor=actor, obj=profile)
    elif changed:
        audit_record(AuditEventType.UPDATE, actor=actor, obj=profile, detail={"fields": changed})
    return profile


@transaction.atomic
def station_create(
    *, actor: Actor, organisation: Organisation, name: str = "", members: Sequence[Any] = ()
) -> Station:
    """Register a station organisation as a rapid-response station (bureau staff)."""
    if not is_bureau(actor):
        raise PermissionDenied
    if organisation.kind != OrganisationKind.STATION:
        raise ValidationError({"organisation": _("Choose an organisation of kind station.")})
    station = Station.objects.create(
        organisation=organisation,
        name=(name or organisation.name)[:200],
        region_code=organisation.region_code,
    )
    station.members.set(list(members))
    audit_record(AuditEventType.CREATE, actor=actor, obj=station)
    return station


def station_of(user: Any) -> Station | None:
    """The station a station-staff user works for (their organisation's, or one they
    are a member of)."""
    if not (is_active_user(user) and user.role == Role.STATION_STAFF):
        return None
    own = user.organisation_id
    return (
        (Station.objects.filter(organisation_id=own).first() if own is not None else None)
        or Station.objects.filter(members=user).first()
    )


@transaction.atomic
def squad_create(
    *, actor: Actor, station: Station, name: str, members: Sequence[Any] = ()
) -> TechSquad:
    if not (is_bureau(actor) or station_of(actor) == station):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the squad.")})
    squad = TechSquad.objects.create(station=station, name=name[:200])
    squad.members.set(list(members))
    audit_record(AuditEventType.CREATE, actor=actor, obj=squad)
    return squad


@transaction.atomic
def visit_create(
    *,
    actor: Actor,
    enterprise: Organisation,
    visited_on: dt.date,
    participants: str = "",
    notes: str = "",
    squad: TechSquad | None = None,
) -> VisitLog:
    """Station staff log a visit to an enterprise."""
    station = station_of(actor)
    if station is None:
        raise PermissionDenied(_("Only station staff log visits."))
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise ValidationError({"enterprise": _("Visits are logged for enterprises.")})
    if squad is not None and squad.station_id != station.pk:
        raise ValidationError({"squad": _("The squad belongs to another station.")})
    visit = VisitLog.objects.create(
        station=station,
        squad=squad,
        enterprise=enterprise,
        visited_on=visited_on,
        participants=(participants or "").strip(),
        notes=(notes or "").strip(),
        recorded_by=actor_or_none(actor),
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=visit)
    return visit


@transaction.atomic
def visit_record_demand(*, actor: Actor, visit: VisitLog, **data: Any) -> Demand:
    """Record a demand collected on ``visit`` on the enterprise's behalf (catalogue's
    demand_record_for_enterprise; the enterprise confirms it before review)."""
    if station_of(actor) != visit.station:
        raise PermissionDenied(_("Only the visiting station records its demands."))
    data.setdefault("channel", Channel.TECH_SQUAD if visit.squad_id else Channel.STATION_VISIT)
    demand = demand_record_for_enterprise(actor=actor, enterprise=visit.enterprise, **data)
    visit.demands.add(demand)
    audit_record(AuditEventType.UPDATE, actor=actor, obj=visit, detail={"fields": ["demands"]})
    return demand
