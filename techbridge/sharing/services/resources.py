"""Shared resources, their rates and qualifications (资源、收费标准、资质).

Who: members (institution members) of the resource's owner organisation — ``access.manages``.
A new price is a new rate from its effective date; the rate of the same class in force
before ends the day before, automatically, and a rate never starts on or before the service
date of an order already priced by the one it replaces. Each change writes a ResourceEvent
and an audit row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.catalogue.kinds import KINDS, model_for
from techbridge.catalogue.models import Status as CatalogueStatus
from techbridge.core.actors import Actor, actor_or_none, is_active_user
from techbridge.core.events import record_event
from techbridge.core.exceptions import TransitionError
from techbridge.core.money import parse_amount
from techbridge.organisations.models import Organisation
from techbridge.sharing import access
from techbridge.sharing.models import (
    CATALOGUE_KINDS,
    WHOLE,
    BilledOn,
    OrderStatus,
    Qualification,
    Rate,
    RateClass,
    RateUnit,
    Resource,
    ServiceOrder,
)
from techbridge.sharing.models.resources import ResourceEvent, ResourceEventKind

ONE_DAY = dt.timedelta(days=1)

# The settings of a resource its owner may change (the catalogue copy is refreshed apart).
RESOURCE_FIELDS = (
    "active",
    "requires_qualification",
    "free_cancellation_hours",
    "slot_minutes",
    "max_booking_minutes",
    "location",
)
RATE_FIELDS = (
    "rate_class",
    "unit",
    "price",
    "minimum_charge",
    "billed_on",
    "late_cancellation_bp",
    "effective_from",
)


# --- permissions ---------------------------------------------------------------------------


def _require_manager(actor: Actor, resource: Resource) -> User:
    if not (is_active_user(actor) and access.manages(actor, resource)):
        raise PermissionDenied(
            _("Only members of the owner institution manage this resource's sharing.")
        )
    return actor


def _require_owner_member(actor: Actor, owner: Organisation) -> User:
    if not (
        is_active_user(actor)
        and actor.role == Role.INSTITUTION_MEMBER
        and actor.organisation_id == owner.pk
    ):
        raise PermissionDenied(
            _("Only members of the owner institution manage its sharing agreements.")
        )
    return actor


# --- resources -----------------------------------------------------------------------------


def _catalogue_copy(record: Any) -> dict[str, Any]:
    return {
        "name": str(getattr(record, "name", "") or getattr(record, "title", ""))[:300],
        "technical_field": record.technical_field or "",
        "region_code": record.region_code or record.owner.region_code or "",
    }


@transaction.atomic
def resource_register(
    *, actor: Actor, catalogue_kind: str, catalogue_id: int, **settings: Any
) -> Resource:
    """Register a published catalogue record (instrument, lab, technical service, data
    resource) of the actor's own institution as a shared resource. Name, field and region
    are copied from the record; ``settings`` are RESOURCE_FIELDS."""
    if catalogue_kind not in CATALOGUE_KINDS or catalogue_kind not in KINDS:
        raise ValidationError(
            {
                "catalogue_kind": [
                    _("This kind of record cannot be shared: %(k)s") % {"k": catalogue_kind}
                ]
            }
        )
    record = (
        model_for(catalogue_kind)
        ._default_manager.select_related("owner")
        .filter(pk=catalogue_id)
        .first()
    )
    if record is None:
        raise ValidationError({"catalogue_id": [_("No such catalogue record.")]})
    if not (
        is_active_user(actor)
        and actor.role == Role.INSTITUTION_MEMBER
        and actor.organisation_id == record.owner_id
    ):
        raise PermissionDenied(_("Only members of the record's owner institution share it."))
    if record.status != CatalogueStatus.PUBLISHED:
        raise ValidationError(
            {"catalogue_id": [_("Only published catalogue records can be shared.")]}
        )
    if Resource.objects.filter(catalogue_kind=catalogue_kind, catalogue_id=record.pk).exists():
        raise ValidationError({"catalogue_id": [_("This record is already shared.")]})
    values = _clean_resource_settings(settings)
    if catalogue_kind == "instrument" and "location" not in values:
        values["location"] = (getattr(record, "address", "") or "")[:300]
    resource = Resource.objects.create(
        kind=CATALOGUE_KINDS[catalogue_kind],
        catalogue_kind=catalogue_kind,
        catalogue_id=record.pk,
        owner_id=record.owner_id,
        **_catalogue_copy(record),
        **values,
    )
    record_event(
        ResourceEvent,
        subject=resource,
        actor=actor,
        kind=ResourceEventKind.REGISTERED,
        data={"catalogue_kind": catalogue_kind, "catalogue_id": record.pk},
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=resource)
    return resource


def _clean_resource_settings(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    errors: dict[str, list[str]] = {}
    for name in ("free_cancellation_hours", "slot_minutes", "max_booking_minutes"):
        if name in values and (
            not isinstance(values[name], int) or isinstance(values[name], bool) or values[name] < 0
        ):
            errors[name] = [_("A whole number, 0 or more.")]
    if "slot_minutes" in values and not errors.get("slot_minutes") and values["slot_minutes"] < 1:
        errors["slot_minutes"] = [_("The booking step is at least 1 minute.")]
    if "location" in values:
        values["location"] = str(values["location"] or "").strip()[:300]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def resource_update(
    *, actor: Actor, resource: Resource, expected_version: int | None = None, **values: Any
) -> Resource:
    """Change a resource's sharing settings (RESOURCE_FIELDS); a stale version → 409."""
    _require_manager(actor, resource)
    cleaned = _clean_resource_settings(values)
    slot = cleaned.get("slot_minutes", resource.slot_minutes)
    longest = cleaned.get("max_booking_minutes", resource.max_booking_minutes)
    if longest < slot:
        raise ValidationError(
            {"max_booking_minutes": [_("The longest booking cannot be shorter than one step.")]}
        )
    changed = [n for n, v in cleaned.items() if getattr(resource, n) != v]
    if not changed:
        return resource
    before = {n: getattr(resource, n) for n in changed}
    for name in changed:
        setattr(resource, name, cleaned[name])
    resource.save_versioned(expected_version=expected_version, update_fields=changed)
    record_event(
        ResourceEvent,
        subject=resource,
        actor=actor,
        kind=ResourceEventKind.UPDATED,
        data={"fields": {n: [before[n], cleaned[n]] for n in changed}},
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=resource, detail={"fields": changed})
    return resource


@transaction.atomic
def resource_refresh(*, actor: Actor, resource: Resource) -> Resource:
    """Copy name, technical field and region again from the catalogue record."""
    _require_manager(actor, resource)
    record = (
        model_for(resource.catalogue_kind)
        ._default_manager.select_related("owner")
        .get(pk=resource.catalogue_id)
    )
    copy = _catalogue_copy(record)
    changed = [n for n, v in copy.items() if getattr(resource, n) != v]
    if changed:
        for name in changed:
            setattr(resource, name, copy[name])
        resource.save_versioned(expected_version=None, update_fields=changed)
        record_event(
            ResourceEvent,
            subject=resource,
            actor=actor,
            kind=ResourceEventKind.REFRESHED,
            data={"fields": changed},
        )
        audit_record(AuditEventType.UPDATE, actor=actor, obj=resource, detail={"fields": changed})
    return resource


def _not_before_priced_orders(orders: QuerySet[ServiceOrder], start: dt.date, field: str) -> None:
    last = orders.filter(service_date__gte=start).aggregate(last=Max("service_date"))["last"]
    if last is not None:
        raise ValidationError(
            {
                field: [
                    _(
                        "Orders up to %(last)s are already priced under the terms in force; "
                        "a change applies from its start date on, never retroactively: start "
                        "it on %(first)s or later."
                    )
                    % {"last": last.isoformat(), "first": (last + ONE_DAY).isoformat()}
                ]
            }
        )


# --- rates ---------------------------------------------------------------------------------


def _clean_rate(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, choices, label in (
        ("rate_class", RateClass, _("rate class")),
        ("unit", RateUnit, _("unit")),
        ("billed_on", BilledOn, _("billed on")),
    ):
        value = str(values.get(name) or (BilledOn.USED if name == "billed_on" else ""))
        if value not in choices.values:
            errors[name] = [
                _("Unknown %(label)s “%(v)s”; accepted: %(known)s")
                % {
                    "label": label,
                    "v": value[:30],
                    "known": "、".join(str(c.label) for c in choices),
                }
            ]
        cleaned[name] = value
    for name, allow_zero in (("price", True), ("minimum_charge", True)):
        raw = values.get(name, Decimal(0) if name == "minimum_charge" else None)
        if raw is None or raw == "":
            if name == "minimum_charge":
                cleaned[name] = Decimal("0.00")
                continue
            errors[name] = [_("The price is required.")]
            continue
        try:
            cleaned[name] = parse_amount(raw, allow_zero=allow_zero)
        except ValidationError as exc:
            errors[name] = exc.messages
    late = values.get("late_cancellation_bp", 5_000)
    if not isinstance(late, int) or isinstance(late, bool) or not 0 <= late <= WHOLE:
        errors["late_cancellation_bp"] = [
            _("A share is between 0 and 100 %% (0–10000 basis points): %(v)s") % {"v": late}
        ]
    cleaned["late_cancellation_bp"] = late
    start = values.get("effective_from")
    if not isinstance(start, dt.date):
        errors["effective_from"] = [_("The date the rate takes effect is required.")]
    cleaned["effective_from"] = start
    if errors:
        raise ValidationError(errors)
    return cleaned


def _rate_orders(resource: Resource, rate_class: str) -> QuerySet[ServiceOrder]:
    return ServiceOrder.objects.filter(
        resource=resource, rate_class=rate_class, rate__isnull=False
    ).exclude(status=OrderStatus.CANCELLED)


def check_new_rate(resource: Resource, values: dict[str, Any]) -> dict[str, Any]:
    """Validate a new rate (RATE_FIELDS) without writing: the values cleaned, or a
    ValidationError naming each bad field (imports validate every row with it first)."""
    cleaned = _clean_rate(values)
    start = cleaned["effective_from"]
    same = Rate.objects.filter(resource=resource, rate_class=cleaned["rate_class"])
    if same.filter(effective_from=start).exists():
        raise ValidationError(
            {
                "effective_from": [
                    _("A %(c)s rate of this resource already takes effect on %(d)s.")
                    % {"c": RateClass(cleaned["rate_class"]).label, "d": start.isoformat()}
                ]
            }
        )
    _not_before_priced_orders(
        _rate_orders(resource, cleaned["rate_class"]), start, "effective_from"
    )
    return cleaned


@transaction.atomic
def rate_create(*, actor: Actor, resource: Resource, **values: Any) -> Rate:
    """A new rate of ``resource`` for one rate class from ``effective_from`` on; the one in
    force before ends the day before, a later one caps this one's end."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    _require_manager(actor, resource)
    unknown = set(values) - set(RATE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    cleaned = check_new_rate(resource, values)
    start: dt.date = cleaned["effective_from"]
    same = Rate.objects.filter(resource=resource, rate_class=cleaned["rate_class"])
    following = same.filter(effective_from__gt=start).order_by("effective_from").first()
    rate = Rate.objects.create(
        resource=resource,
        effective_until=following.effective_from - ONE_DAY if following else None,
        created_by=actor_or_none(actor),
        **cleaned,
    )
    ended = []
    for old in same.filter(effective_from__lt=start).filter(
        Q(effective_until__isnull=True) | Q(effective_until__gte=start)
    ):
        old.effective_until = start - ONE_DAY
        old.save(update_fields=["effective_until"])
        ended.append(old.pk)
        audit_record(
            AuditEventType.UPDATE, actor=actor, obj=old, detail={"fields": ["effective_until"]}
        )
    record_event(
        ResourceEvent,
        subject=resource,
        actor=actor,
        kind=ResourceEventKind.RATE_ADDED,
        data={
            "rate": rate.pk,
            "rate_class": rate.rate_class,
            "unit": rate.unit,
            "price": format(rate.price, "f"),
            "minimum_charge": format(rate.minimum_charge, "f"),
            "billed_on": rate.billed_on,
            "effective_from": start.isoformat(),
            "ended": ended,
        },
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=rate)
    return rate


@transaction.atomic
def rate_end(*, actor: Actor, rate: Rate, last_day: dt.date) -> Rate:
    """The rate is no longer offered after ``last_day`` (not before an order priced by it)."""
    rate = Rate.objects.select_for_update().select_related("resource").get(pk=rate.pk)
    _require_manager(actor, rate.resource)
    if last_day < rate.effective_from:
        raise ValidationError({"effective_until": [_("The end date is before the start date.")]})
    if rate.effective_until is not None and last_day > rate.effective_until:
        raise ValidationError(
            {
                "effective_until": [
                    _("The rate already ends on %(d)s.") % {"d": rate.effective_until}
                ]
            }
        )
    used = rate.orders.exclude(status=OrderStatus.CANCELLED).aggregate(last=Max("service_date"))[
        "last"
    ]
    if used is not None and last_day < used:
        raise ValidationError(
            {
                "effective_until": [
                    _("Orders up to %(d)s are priced by this rate; it cannot end before that day.")
                    % {"d": used.isoformat()}
                ]
            }
        )
    rate.effective_until = last_day
    rate.save(update_fields=["effective_until"])
    record_event(
        ResourceEvent,
        subject=rate.resource,
        actor=actor,
        kind=ResourceEventKind.RATE_ENDED,
        data={"rate": rate.pk, "effective_until": last_day.isoformat()},
    )
    audit_record(
        AuditEventType.UPDATE, actor=actor, obj=rate, detail={"fields": ["effective_until"]}
    )
    return rate


# --- qualifications ------------------------------------------------------------------------


@transaction.atomic
def qualification_grant(
    *,
    actor: Actor,
    resource: Resource,
    user: User,
    valid_from: dt.date,
    valid_until: dt.date,
    note: str = "",
) -> Qualification:
    """Record that ``user`` is trained to operate ``resource`` alone from/until the dates."""
    _require_manager(actor, resource)
    if not (isinstance(user, User) and user.is_active):
        raise ValidationError({"user": [_("Unknown or inactive account.")]})
    if valid_until < valid_from:
        raise ValidationError({"valid_until": [_("The end date is before the start date.")]})
    qualification = Qualification.objects.create(
        resource=resource,
        user=user,
        valid_from=valid_from,
        valid_until=valid_until,
        note=str(note or "").strip()[:200],
        granted_by=actor_or_none(actor),
    )
    record_event(
        ResourceEvent,
        subject=resource,
        actor=actor,
        kind=ResourceEventKind.QUALIFIED,
        data={
            "qualification": qualification.pk,
            "user": user.pk,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=qualification)
    return qualification


@transaction.atomic
def qualification_revoke(
    *, actor: Actor, qualification: Qualification, reason: str = ""
) -> Qualification:
    """Withdraw a qualification at once (bookings made alone need it again or staff)."""
    qualification = (
        Qualification.objects.select_for_update()
        .select_related("resource")
        .get(pk=qualification.pk)
    )
    _require_manager(actor, qualification.resource)
    if qualification.revoked_at is not None:
        raise TransitionError(_("This qualification is already revoked."))
    qualification.revoked_at = timezone.now()
    qualification.save(update_fields=["revoked_at"])
    record_event(
        ResourceEvent,
        subject=qualification.resource,
        actor=actor,
        kind=ResourceEventKind.DISQUALIFIED,
        note=str(reason or "")[:2000],
        data={"qualification": qualification.pk, "user": qualification.user_id},
    )
    audit_record(
        AuditEventType.UPDATE, actor=actor, obj=qualification, detail={"fields": ["revoked_at"]}
    )
    return qualification
