"""Reading service orders with visibility applied (``access.visible_orders``), and the
price breakdown the order page shows before the customer confirms.

Who sees an order: the customer organisation's members; the owner organisation's members
and the agreement's staff; the operating agency's members; bureau staff (read only).
Everyone else: 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import Q, QuerySet

from techbridge.accounts.roles import Role
from techbridge.core.actors import is_active_user
from techbridge.core.money import from_fen, to_fen
from techbridge.sharing import access, pricing
from techbridge.sharing.models import (
    AgreementStaff,
    OrderStatus,
    ServiceOrder,
    SharingAgreement,
    UsageRecord,
)
from techbridge.sharing.selectors.agreements import agreement_in_force, rate_in_force


def orders_visible_to(user: Any) -> QuerySet[ServiceOrder]:
    return access.visible_orders(user).select_related(
        "resource", "customer", "customer_user", "agreement"
    )


def order_list(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    kind: str = "",
    resource_id: int | None = None,
    month: dt.date | None = None,
) -> QuerySet[ServiceOrder]:
    qs = orders_visible_to(user)
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(resource__name__icontains=q) | Q(customer__name__icontains=q)
        )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if resource_id:
        qs = qs.filter(resource_id=resource_id)
    if month is not None:
        qs = qs.filter(service_date__year=month.year, service_date__month=month.month)
    return qs.order_by("-service_date", "-id")


def sees_owner_side(user: Any, order: ServiceOrder) -> bool:
    """The split is shown to the owner's members, the agency's members, the staff and
    bureau staff, not to the customer."""
    if not is_active_user(user):
        return False
    if user.role == Role.BUREAU_STAFF or access.is_owner_member(user, order.resource):
        return True
    agreement = order.agreement or agreement_in_force(order.resource, order.service_date)
    if agreement is None:
        return False
    return (
        access.is_agency_member(user, agreement)
        or AgreementStaff.objects.filter(agreement=agreement, user=user).exists()
    )


@dataclass
class SplitLine:
    label: str
    ratio_bp: int
    amount: Decimal

    @property
    def percent(self) -> str:
        return pricing.percent(self.ratio_bp)


@dataclass
class Breakdown:
    """What the order page shows: how the fee comes about and who pays and earns what."""

    estimated: bool  # a draft: today's rate for the booked quantity, not yet the price
    unit: str
    unit_price: Decimal
    billed_on: str
    booked_milli: int
    used_milli: int
    billed_milli: int
    base: Decimal
    minimum_charge: Decimal
    minimum_applied: bool
    amount: Decimal
    voucher: Decimal
    enterprise: Decimal
    split: list[SplitLine] = field(default_factory=list)
    staff_parts: list[tuple[Any, Decimal]] = field(default_factory=list)
    ratio_label: str = ""

    @property
    def booked(self) -> str:
        return pricing.format_quantity(self.booked_milli)

    @property
    def used(self) -> str:
        return pricing.format_quantity(self.used_milli)

    @property
    def billed(self) -> str:
        return pricing.format_quantity(self.billed_milli)


def breakdown(order: ServiceOrder, user: Any) -> Breakdown | None:
    """The price of a priced order (as copied onto it), or an estimate for a draft from the
    rate in force on its service date; None when no rate applies yet."""
    from django.utils.translation import gettext as _

    estimated = order.status == OrderStatus.DRAFT
    if estimated:
        rate = rate_in_force(order.resource, order.rate_class, order.service_date)
        if rate is None:
            return None
        unit, billed_on = rate.unit, rate.billed_on
        unit_price, minimum = _yuan(rate.price), _yuan(rate.minimum_charge)
        booked, used = order.booked_quantity_milli, order.booked_quantity_milli
        agreement: SharingAgreement | None = agreement_in_force(order.resource, order.service_date)
    else:
        unit, billed_on = order.unit, order.billed_on
        unit_price, minimum = _yuan(order.unit_price), _yuan(order.minimum_charge)
        booked, used = order.booked_quantity_milli, order.used_quantity_milli
        agreement = order.agreement
    result = pricing.price(
        unit=unit or "hour",
        billed_on=billed_on,
        unit_price_fen=to_fen(unit_price),
        minimum_charge_fen=to_fen(minimum),
        booked_milli=booked,
        used_milli=used,
    )
    fee_only = order.kind == "cancellation_fee"
    amount = from_fen(result.amount_fen) if estimated else _yuan(order.amount)
    billed = result.billed_milli if estimated else order.billed_quantity_milli
    out = Breakdown(
        estimated=estimated,
        unit=unit,
        unit_price=unit_price,
        billed_on=billed_on,
        booked_milli=booked,
        used_milli=used,
        billed_milli=billed,
        base=from_fen(pricing.fee_fen(to_fen(unit_price), billed)),
        minimum_charge=minimum,
        minimum_applied=result.minimum_applied and not fee_only,
        amount=amount,
        voucher=_yuan(order.voucher_amount) if not estimated else Decimal("0.00"),
        enterprise=_yuan(order.enterprise_amount) if not estimated else amount,
    )
    if agreement is not None and sees_owner_side(user, order):
        ratio = (agreement.owner_share_bp, agreement.staff_share_bp, agreement.agency_share_bp)
        staff = _staff_who_ran(order)
        parts = pricing.shares(to_fen(amount), ratio, len(staff))
        out.ratio_label = agreement.ratio_label
        out.split = [
            SplitLine(_("Resource owner"), ratio[0], from_fen(parts.owner_fen)),
            SplitLine(_("Service staff"), ratio[1], from_fen(parts.staff_fen)),
            SplitLine(_("Operating agency"), ratio[2], from_fen(parts.agency_fen)),
        ]
        out.staff_parts = [
            (person, from_fen(fen)) for person, fen in zip(staff, parts.per_staff_fen, strict=True)
        ]
    return out


def _yuan(value: Any) -> Decimal:
    """MoneyField values are Decimal at run time (django-stubs types them as int)."""
    return cast(Decimal, value)


def _staff_who_ran(order: ServiceOrder) -> list[Any]:
    usage = UsageRecord.objects.filter(order=order).first()
    if usage is None:
        return []
    return list(usage.staff.order_by("pk"))


def usage_of(order: ServiceOrder) -> UsageRecord | None:
    return UsageRecord.objects.filter(order=order).select_related("recorded_by").first()


def order_events(order: ServiceOrder) -> QuerySet[Any]:
    return order.events.select_related("actor").order_by("at", "id")


def staff_choices(order: ServiceOrder) -> QuerySet[Any]:
    """Who may be named as having run the order: staff of the agreement in force."""
    from techbridge.accounts.models import User

    agreement = agreement_in_force(order.resource, order.service_date)
    if agreement is None:
        return User.objects.none()
    return User.objects.filter(
        pk__in=AgreementStaff.objects.filter(agreement=agreement).values("user_id")
    ).order_by("username")


# --- who may do what with an order (services check the same) ----------------------------

CUSTOMER_ROLES = frozenset({Role.ENTERPRISE_MEMBER, Role.INSTITUTION_MEMBER})


def can_order(user: Any) -> bool:
    """Members of enterprises and institutions order services (pages offer the button)."""
    return is_active_user(user) and user.role in CUSTOMER_ROLES


def can_import_usage(user: Any) -> bool:
    """Service staff named on an agreement import usage records."""
    return is_active_user(user) and AgreementStaff.objects.filter(user=user).exists()


def is_customer_member(user: Any, order: ServiceOrder) -> bool:
    return (
        is_active_user(user)
        and user.role in CUSTOMER_ROLES
        and user.organisation_id == order.customer_id
    )


def is_order_staff(user: Any, order: ServiceOrder) -> bool:
    """Service staff of the agreement in force on the order's service date."""
    return access.is_resource_staff(user, order.resource, order.service_date)


def can_record_usage(user: Any, order: ServiceOrder) -> bool:
    return order.status == OrderStatus.DRAFT and is_order_staff(user, order)


def can_amend(user: Any, order: ServiceOrder) -> bool:
    return order.status == OrderStatus.PRICED and is_order_staff(user, order)


def can_confirm(user: Any, order: ServiceOrder) -> bool:
    return (
        order.status == OrderStatus.PRICED
        and is_customer_member(user, order)
        and not recorded_it(user, order)
    )


def can_cancel(user: Any, order: ServiceOrder) -> bool:
    if order.status in (OrderStatus.DRAFT, OrderStatus.PRICED):
        return (
            is_customer_member(user, order)
            or access.manages(user, order.resource)
            or is_order_staff(user, order)
        )
    if order.status == OrderStatus.CONFIRMED:
        return access.manages(user, order.resource)
    return False


def recorded_it(user: Any, order: ServiceOrder) -> bool:
    """The person who recorded the usage does not confirm it (no one approves their own
    entry; matters for internal orders, where owner members are also the customer)."""
    usage = UsageRecord.objects.filter(order=order).only("recorded_by_id").first()
    return usage is not None and usage.recorded_by_id == getattr(user, "pk", None)
