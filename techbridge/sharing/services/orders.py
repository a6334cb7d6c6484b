"""Service orders (服务订单): from a booking or without one → usage record by the service
staff → priced exactly by the rate in force on the service date → confirmed by the
customer → settled (by the settlement part: it takes CONFIRMED orders).

Each step locks the order row, checks the state it starts from, writes an OrderEvent and
an audit row; numbers come from ``core.sequences`` (GX + year + month + 6 digits, per
month). Pricing copies the rate and the agreement onto the order, so later changes of
either never change an order already priced (sharing/pricing.py does the arithmetic).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import User
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor, actor_or_none, is_active_user
from techbridge.core.exceptions import TransitionError
from techbridge.core.money import from_fen
from techbridge.core.phrases import phrase
from techbridge.organisations.models import Organisation
from techbridge.sharing import access
from techbridge.sharing.models import (
    AgreementStaff,
    Booking,
    BookingStatus,
    OrderEventKind,
    OrderKind,
    OrderStatus,
    Rate,
    RateUnit,
    Resource,
    ResourceKind,
    ServiceOrder,
    SharingAgreement,
    UsageRecord,
)
from techbridge.sharing.selectors.agreements import (
    agreement_in_force,
    rate_class_for,
    rate_in_force,
)
from techbridge.sharing.selectors.orders import (
    CUSTOMER_ROLES,
    can_cancel,
    is_customer_member,
    recorded_it,
)
from techbridge.sharing.services import order_kit as kit

# Orders created without a booking, and what a customer may ask for on each resource kind.
DIRECT_KINDS = (OrderKind.SAMPLE_TESTING, OrderKind.TECHNICAL_SERVICE, OrderKind.DATA_ACCESS)
_DIRECT_KIND_RESOURCES = {
    OrderKind.SAMPLE_TESTING: {ResourceKind.INSTRUMENT, ResourceKind.LAB, ResourceKind.SERVICE},
    OrderKind.TECHNICAL_SERVICE: {
        ResourceKind.INSTRUMENT,
        ResourceKind.LAB,
        ResourceKind.SERVICE,
    },
    OrderKind.DATA_ACCESS: {ResourceKind.DATA},
}
BOOKING_ORDER_STATUSES = (BookingStatus.APPROVED, BookingStatus.COMPLETED)


# --- creating orders ----------------------------------------------------------------------


@transaction.atomic
def order_from_booking(*, actor: Actor, booking: Booking) -> ServiceOrder:
    """The order of an approved (or completed) booking, in status DRAFT, awaiting the usage
    record; its booked quantity is the booking's length (hours × 1000 for an hourly rate).
    Idempotent: a booking that already has an order returns that order.
    Called by the bookings part (system, the approving owner member, staff or the customer)."""
    booking = Booking.objects.select_for_update().select_related("resource").get(pk=booking.pk)
    existing = ServiceOrder.objects.filter(booking=booking).first()
    if existing is not None:
        return existing
    if actor is not None and not (
        access.manages(actor, booking.resource)
        or access.is_resource_staff(actor, booking.resource, kit.local_day(booking.starts_at))
        or (is_active_user(actor) and actor.organisation_id == booking.organisation_id)
    ):
        raise PermissionDenied(_("Only the resource side or the customer opens this order."))
    if booking.status not in BOOKING_ORDER_STATUSES:
        raise TransitionError(
            _("A booking in status %(s)s has no service order.")
            % {"s": BookingStatus(booking.status).label}
        )
    day = kit.local_day(booking.starts_at)
    rate = rate_in_force(booking.resource, booking.rate_class, day)
    order = ServiceOrder.objects.create(
        number=kit.next_order_number(timezone.localdate()),
        kind=OrderKind.BOOKING,
        resource=booking.resource,
        booking=booking,
        customer_id=booking.organisation_id,
        customer_user_id=booking.booked_by_id,
        service_date=day,
        content=booking.purpose[:300],
        rate_class=booking.rate_class,
        booked_quantity_milli=kit.booked_quantity(booking, rate.unit if rate else RateUnit.HOUR),
        created_by=actor_or_none(actor),
    )
    kit.event(order, actor, OrderEventKind.CREATED, data={"booking": booking.pk})
    audit_record(AuditEventType.CREATE, actor=actor, obj=order)
    return order


@transaction.atomic
def order_create(
    *,
    actor: Actor,
    resource: Resource,
    kind: str,
    customer: Organisation,
    service_date: dt.date,
    customer_user: User | None = None,
    content: str = "",
    quantity_milli: int = 0,
) -> ServiceOrder:
    """An order without a booking (sample testing, technical service, data access), in
    status DRAFT. A customer member orders for their own organisation; the resource's
    managers and staff may enter one for a customer (naming its contact). ``quantity_milli``
    is what was ordered (samples, days…), kept as the booked quantity."""
    if kind not in DIRECT_KINDS:
        raise ValidationError(
            {"kind": [_("Choose sample testing, technical service or data access.")]}
        )
    if resource.kind not in _DIRECT_KIND_RESOURCES[OrderKind(kind)]:
        raise ValidationError(
            {
                "kind": [
                    _("%(k)s is not offered on a %(r)s.")
                    % {"k": OrderKind(kind).label, "r": resource.get_kind_display()}
                ]
            }
        )
    if not resource.active:
        raise ValidationError({"resource": [_("This resource is not open for sharing.")]})
    if not is_active_user(actor):
        raise PermissionDenied
    resource_side = access.manages(actor, resource) or access.is_resource_staff(
        actor, resource, service_date
    )
    if resource_side and customer_user is None and actor.organisation_id == customer.pk:
        customer_user = actor  # an internal order: the owner's member orders for itself
    if resource_side:
        if customer_user is None or customer_user.organisation_id != customer.pk:
            raise ValidationError(
                {"customer_user": [_("Name a contact person of the customer organisation.")]}
            )
    elif actor.role in CUSTOMER_ROLES and actor.organisation_id == customer.pk:
        customer_user = actor
    else:
        raise PermissionDenied(_("Members order for their own organisation only."))
    if (
        not isinstance(quantity_milli, int)
        or isinstance(quantity_milli, bool)
        or quantity_milli < 0
    ):
        raise ValidationError({"quantity_milli": [_("A quantity of 0 or more.")]})
    order = ServiceOrder.objects.create(
        number=kit.next_order_number(timezone.localdate()),
        kind=kind,
        resource=resource,
        customer=customer,
        customer_user=customer_user,
        service_date=service_date,
        content=str(content or "").strip()[:300],
        rate_class=rate_class_for(customer, resource),
        booked_quantity_milli=quantity_milli,
        created_by=actor_or_none(actor),
    )
    kit.event(order, actor, OrderEventKind.CREATED, data={"kind": kind})
    audit_record(AuditEventType.CREATE, actor=actor, obj=order)
    return order


# --- usage and price ----------------------------------------------------------------------


def _clean_usage_staff(
    actor: User, agreement: SharingAgreement, staff: Sequence[Any] | None
) -> list[int]:
    allowed = set(
        AgreementStaff.objects.filter(agreement=agreement).values_list("user_id", flat=True)
    )
    wanted = [actor.pk] if not staff else [getattr(s, "pk", s) for s in staff]
    bad = [pk for pk in wanted if pk not in allowed]
    if bad:
        names = ", ".join(str(u) for u in User.objects.filter(pk__in=bad)) or str(bad[0])
        raise ValidationError(
            {"staff": [_("Not service staff of this resource's agreement: %(u)s") % {"u": names}]}
        )
    return sorted(set(wanted))


def _usage_service_date(
    order: ServiceOrder, actual_start: dt.datetime | None, given: dt.date | None
) -> dt.date:
    if order.booking_id is not None:
        return order.service_date
    if given is not None:
        return given
    if actual_start is not None:
        return kit.local_day(actual_start)
    return order.service_date


def _write_usage(
    *,
    actor: User,
    order: ServiceOrder,
    actual_start: dt.datetime | None,
    actual_end: dt.datetime | None,
    samples: int | None,
    quantity_milli: int | None,
    staff: Sequence[Any] | None,
    note: str,
    service_date: dt.date | None,
) -> tuple[UsageRecord, Rate, SharingAgreement]:
    day = _usage_service_date(order, actual_start, service_date)
    order.service_date = day
    rate, agreement = kit.terms(order, day)
    if not AgreementStaff.objects.filter(agreement=agreement, user=actor).exists():
        raise PermissionDenied(_("Only the service staff of this resource record its usage."))
    used = kit.used_quantity(
        rate.unit,
        actual_start=actual_start,
        actual_end=actual_end,
        samples=samples,
        quantity_milli=quantity_milli,
    )
    staff_ids = _clean_usage_staff(actor, agreement, staff)
    usage, _created = UsageRecord.objects.update_or_create(
        order=order,
        defaults={
            "actual_start": actual_start,
            "actual_end": actual_end,
            "samples": samples,
            "quantity_milli": used,
            "note": str(note or "").strip(),
            "recorded_by": actor,
        },
    )
    usage.staff.set(staff_ids)
    kit.apply_price(order, rate, agreement, used)
    return usage, rate, agreement


@transaction.atomic
def usage_record(
    *,
    actor: Actor,
    order: ServiceOrder,
    actual_start: dt.datetime | None = None,
    actual_end: dt.datetime | None = None,
    samples: int | None = None,
    quantity_milli: int | None = None,
    staff: Sequence[Any] | None = None,
    note: str = "",
    service_date: dt.date | None = None,
    expected_version: int | None = None,
) -> ServiceOrder:
    """Service staff record what was used (actual times, samples or a quantity) and who ran
    it; the order is priced by the rate in force on its service date → PRICED, and the
    customer is told to confirm."""
    order = kit.lock(order, expected_version)
    if order.status != OrderStatus.DRAFT:
        raise TransitionError(
            _("Usage is recorded once, on an order awaiting it; this one is %(s)s.")
            % {"s": order.get_status_display()}
        )
    if not is_active_user(actor):
        raise PermissionDenied
    usage, _rate, _agreement = _write_usage(
        actor=actor,
        order=order,
        actual_start=actual_start,
        actual_end=actual_end,
        samples=samples,
        quantity_milli=quantity_milli,
        staff=staff,
        note=note,
        service_date=service_date,
    )
    order.status = OrderStatus.PRICED
    order.save_versioned(
        expected_version=None, update_fields=[*kit.PRICE_FIELDS, "status", "service_date"]
    )
    kit.event(
        order,
        actor,
        OrderEventKind.USAGE_RECORDED,
        data={
            "used_milli": usage.quantity_milli,
            "staff": list(usage.staff.values_list("pk", flat=True)),
        },
    )
    kit.event(
        order,
        actor,
        OrderEventKind.PRICED,
        from_state=OrderStatus.DRAFT,
        data=kit.price_data(order),
    )
    audit_record(AuditEventType.TRANSITION, actor=actor, obj=order, detail={"to": order.status})
    kit.tell_priced(order, actor)
    return order


@transaction.atomic
def usage_amend(
    *,
    actor: Actor,
    order: ServiceOrder,
    reason: str,
    actual_start: dt.datetime | None = None,
    actual_end: dt.datetime | None = None,
    samples: int | None = None,
    quantity_milli: int | None = None,
    staff: Sequence[Any] | None = None,
    note: str = "",
    service_date: dt.date | None = None,
    expected_version: int | None = None,
) -> ServiceOrder:
    """Staff correct the usage of a priced order before the customer confirmed it; the
    order is priced again (a voucher part already applied is released first)."""
    text = kit.reason_text(reason)
    order = kit.lock(order, expected_version)
    if order.status != OrderStatus.PRICED or order.kind == OrderKind.CANCELLATION_FEE:
        raise TransitionError(
            _(
                "Only the usage of a priced order not yet confirmed can be corrected; "
                "this one is %(s)s."
            )
            % {"s": order.get_status_display()}
        )
    if not is_active_user(actor):
        raise PermissionDenied
    before = kit.price_data(order)
    released = kit.release_voucher_part(actor, order, text)
    _write_usage(
        actor=actor,
        order=order,
        actual_start=actual_start,
        actual_end=actual_end,
        samples=samples,
        quantity_milli=quantity_milli,
        staff=staff,
        note=note,
        service_date=service_date,
    )
    order.save_versioned(expected_version=None, update_fields=[*kit.PRICE_FIELDS, "service_date"])
    kit.event(
        order,
        actor,
        OrderEventKind.AMENDED,
        note=text,
        data={"before": before, "after": kit.price_data(order), "voucher_released": released},
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=order, detail={"fields": ["usage"]})
    kit.tell_priced(order, actor)
    return order


# --- confirm and cancel -------------------------------------------------------------------


@transaction.atomic
def order_confirm(
    *, actor: Actor, order: ServiceOrder, expected_version: int | None = None
) -> ServiceOrder:
    """The customer accepts the price shown (``expected_version`` = the version the page
    showed: a price changed since answers 409). CONFIRMED orders are what settlement takes."""
    order = kit.lock(order, expected_version)
    if order.status != OrderStatus.PRICED:
        raise TransitionError(
            _("Only a priced order can be confirmed; this one is %(s)s.")
            % {"s": order.get_status_display()}
        )
    if not is_customer_member(actor, order):
        raise PermissionDenied(_("A member of the customer organisation confirms the order."))
    if recorded_it(actor, order):
        raise TransitionError(_("The person who recorded the usage cannot also confirm it."))
    order.status = OrderStatus.CONFIRMED
    order.confirmed_at = timezone.now()
    order.confirmed_by = actor_or_none(actor)
    order.save_versioned(
        expected_version=None, update_fields=["status", "confirmed_at", "confirmed_by"]
    )
    kit.event(
        order,
        actor,
        OrderEventKind.CONFIRMED,
        from_state=OrderStatus.PRICED,
        data={"amount": format(order.amount, "f")},
    )
    audit_record(AuditEventType.TRANSITION, actor=actor, obj=order, detail={"to": order.status})
    kit.tell(
        kit.owner_side(order),
        actor,
        phrase(
            "Order %(n)s (%(a)s yuan) was confirmed by the customer.",
            {"n": order.number, "a": order.amount},
        ),
        order,
    )
    return order


@transaction.atomic
def order_cancel(
    *, actor: Actor, order: ServiceOrder, reason: str, expected_version: int | None = None
) -> ServiceOrder:
    """Cancel with a reason: before confirmation the customer, the owner's managers or the
    staff; a confirmed order (not yet settled) only the owner's managers. A voucher part is
    released."""
    text = kit.reason_text(reason)
    order = kit.lock(order, expected_version)
    if order.status in (OrderStatus.SETTLED, OrderStatus.CANCELLED):
        raise TransitionError(
            _("An order in status %(s)s cannot be cancelled.") % {"s": order.get_status_display()}
        )
    if not can_cancel(actor, order):
        raise PermissionDenied(_("You may not cancel this order."))
    old = order.status
    released = kit.release_voucher_part(actor, order, text)
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = timezone.now()
    order.save_versioned(expected_version=None, update_fields=["status", "cancelled_at"])
    kit.event(
        order,
        actor,
        OrderEventKind.CANCELLED,
        from_state=old,
        note=text,
        data={"voucher_released": released},
    )
    audit_record(AuditEventType.TRANSITION, actor=actor, obj=order, detail={"to": order.status})
    others = [order.customer_user, *kit.owner_side(order)]
    kit.tell(others, actor, phrase("Order %(n)s was cancelled.", {"n": order.number}), order)
    return order


# --- late cancellation and no-show --------------------------------------------------------


def _late_fee(booking: Booking) -> Decimal | None:
    """The fee the bookings part computes for a late cancellation / no-show (None or 0:
    free). Its ``late_fee_for`` may answer yuan (Decimal) or fen (int)."""
    from techbridge.sharing.selectors import bookings as booking_selectors

    fee = booking_selectors.late_fee_for(booking)
    if fee is None:
        return None
    if isinstance(fee, Decimal):
        return fee
    if isinstance(fee, int) and not isinstance(fee, bool):
        return from_fen(fee)
    amount = getattr(fee, "amount", None)  # a small result object
    return amount if isinstance(amount, Decimal) else None


@transaction.atomic
def charge_cancellation(*, actor: Actor, booking: Booking, reason: str) -> ServiceOrder | None:
    """A fee-only order for a booking cancelled late or not shown up to, priced at once
    (status PRICED, the customer confirms it). The booking's draft order, if any, becomes
    that fee order; without a fee it is cancelled instead. Returns the fee order or None."""
    text = kit.reason_text(reason)
    booking = Booking.objects.select_for_update().select_related("resource").get(pk=booking.pk)
    day = kit.local_day(booking.starts_at)
    if actor is not None and not (
        access.manages(actor, booking.resource)
        or access.is_resource_staff(actor, booking.resource, day)
        or (is_active_user(actor) and actor.organisation_id == booking.organisation_id)
    ):
        raise PermissionDenied(_("Only the resource side or the customer handles this booking."))
    existing = ServiceOrder.objects.filter(booking=booking).first()
    if existing is not None:
        existing = kit.lock(existing)
        if existing.status not in (OrderStatus.DRAFT, OrderStatus.PRICED):
            raise TransitionError(
                _("The order of this booking is %(s)s already; no fee is charged on top.")
                % {"s": existing.get_status_display()}
            )
    fee = _late_fee(booking)
    rate = rate_in_force(booking.resource, booking.rate_class, day)
    agreement = agreement_in_force(booking.resource, day)
    if not fee or rate is None or agreement is None:
        if existing is not None:
            old = existing.status
            kit.release_voucher_part(actor, existing, text)
            existing.status = OrderStatus.CANCELLED
            existing.cancelled_at = timezone.now()
            existing.save_versioned(expected_version=None, update_fields=["status", "cancelled_at"])
            kit.event(existing, actor, OrderEventKind.CANCELLED, from_state=old, note=text)
            audit_record(
                AuditEventType.TRANSITION, actor=actor, obj=existing, detail={"to": "cancelled"}
            )
        return None
    order = existing
    if order is None:
        order = ServiceOrder(
            number=kit.next_order_number(timezone.localdate()),
            resource=booking.resource,
            booking=booking,
            customer_id=booking.organisation_id,
            customer_user_id=booking.booked_by_id,
            rate_class=booking.rate_class,
            created_by=actor_or_none(actor),
        )
    else:
        kit.release_voucher_part(actor, order, text)
    old = order.status if existing is not None else ""
    order.kind = OrderKind.CANCELLATION_FEE
    order.service_date = day
    order.content = text[:300]
    order.booked_quantity_milli = kit.booked_quantity(booking, rate.unit)
    kit.apply_price(order, rate, agreement, 0)
    # The fee the bookings part computed (share of the booked price), not a usage price.
    order.billed_quantity_milli = order.booked_quantity_milli
    order.amount = fee  # type: ignore[assignment]
    order.enterprise_amount = fee  # type: ignore[assignment]
    order.status = OrderStatus.PRICED
    if existing is None:
        order.save()
        kit.event(order, actor, OrderEventKind.CREATED, data={"booking": booking.pk, "fee": True})
        audit_record(AuditEventType.CREATE, actor=actor, obj=order)
    else:
        order.save_versioned(
            expected_version=None,
            update_fields=[*kit.PRICE_FIELDS, "kind", "status", "service_date", "content"],
        )
        audit_record(AuditEventType.UPDATE, actor=actor, obj=order, detail={"fields": ["kind"]})
    kit.event(
        order,
        actor,
        OrderEventKind.PRICED,
        from_state=old or OrderStatus.DRAFT,
        note=text,
        data={**kit.price_data(order), "late_cancellation_bp": rate.late_cancellation_bp},
    )
    kit.tell_priced(order, actor)
    return order
