"""The pieces every order service shares: numbers, the locked re-read, events and
notifications, giving a voucher part back, and applying a rate to an order (the arithmetic
is in sharing/pricing.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.core.actors import Actor
from techbridge.core.events import record_event
from techbridge.core.exceptions import ConflictError
from techbridge.core.money import from_fen, to_fen
from techbridge.core.phrases import Phrase, phrase
from techbridge.core.sequences import next_number
from techbridge.sharing import pricing
from techbridge.sharing.models import (
    MILLI,
    AgreementStaff,
    Booking,
    OrderEvent,
    OrderKind,
    Rate,
    RateUnit,
    ServiceOrder,
    SharingAgreement,
)
from techbridge.sharing.selectors.agreements import agreement_in_force, rate_in_force


def fen(value: Any) -> int:
    """A MoneyField value in fen. It is a Decimal at run time; django-stubs types the field
    by its database column (an integer), hence the cast."""
    return to_fen(cast(Decimal, value))


def yuan(value: Any) -> Decimal:
    return cast(Decimal, value)


NUMBER_PREFIX = "GX"
NOTIFICATION_KIND = "other"  # TODO(lead): a "sharing" NotificationKind would file these


def next_order_number(day: dt.date) -> str:
    """GX202612000123: the 123rd order of December 2026 (gapless, in the caller's
    transaction)."""
    return f"{NUMBER_PREFIX}{day:%Y%m}{next_number(f'sharing.order:{day:%Y%m}'):06d}"


def lock(order: ServiceOrder, expected_version: int | None = None) -> ServiceOrder:
    fresh = (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("resource", "booking", "customer")
        .get(pk=order.pk)
    )
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError()
    return fresh


def event(
    order: ServiceOrder,
    actor: Actor,
    kind: str,
    *,
    from_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    record_event(
        OrderEvent,
        subject=order,
        actor=actor,
        kind=kind,
        from_state=from_state,
        to_state=order.status if from_state else "",
        note=note,
        data=data,
    )


def reason_text(reason: str) -> str:
    text = str(reason or "").strip()
    if not text:
        raise ValidationError({"reason": [_("Give a reason.")]})
    return text[:2000]


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def booked_quantity(booking: Booking, unit: str) -> int:
    """A booking's length in the rate's unit: hours for an hourly rate (the usual case),
    started 24-hour days for a day rate, one for a flat fee, nothing for samples (as the
    booking quote counts it, so the price matches what was shown)."""
    seconds = int((booking.ends_at - booking.starts_at).total_seconds())
    if unit == RateUnit.DAY:
        return pricing.days_milli(seconds)
    if unit == RateUnit.FLAT:
        return MILLI
    if unit == RateUnit.SAMPLE:
        return 0
    return pricing.hours_milli(seconds)


def terms(order: ServiceOrder, day: dt.date) -> tuple[Rate, SharingAgreement]:
    rate = rate_in_force(order.resource, order.rate_class, day)
    if rate is None:
        raise ValidationError(
            {
                "service_date": [
                    _(
                        "No %(c)s rate of this resource is in force on %(d)s; ask the owner "
                        "to add one."
                    )
                    % {"c": order.get_rate_class_display(), "d": day.isoformat()}
                ]
            }
        )
    agreement = agreement_in_force(order.resource, day)
    if agreement is None:
        raise ValidationError(
            {
                "service_date": [
                    _("No sharing agreement covers this resource on %(d)s.")
                    % {"d": day.isoformat()}
                ]
            }
        )
    return rate, agreement


def release_voucher_part(actor: Actor, order: ServiceOrder, reason: str) -> bool:
    """Give back the voucher part before the amount changes or the order is cancelled."""
    if (
        order.voucher_amount == 0
        and not order.redemptions.filter(released_at__isnull=True).exists()
    ):
        return False
    from techbridge.sharing.services import vouchers

    vouchers.release_voucher(actor=actor, order=order, reason=reason)
    order.refresh_from_db()
    return True


def apply_price(order: ServiceOrder, rate: Rate, agreement: SharingAgreement, used: int) -> None:
    """Copy the terms onto the order and compute the fee (the caller saves)."""
    booked = order.booked_quantity_milli
    if order.booking_id is not None and order.kind == OrderKind.BOOKING:
        booked = booked_quantity(order.booking, rate.unit)  # type: ignore[arg-type]
    result = pricing.price(
        unit=rate.unit,
        billed_on=rate.billed_on,
        unit_price_fen=fen(rate.price),
        minimum_charge_fen=fen(rate.minimum_charge),
        booked_milli=booked,
        used_milli=used,
    )
    order.rate = rate
    order.unit = rate.unit
    order.unit_price = rate.price
    order.minimum_charge = rate.minimum_charge
    order.billed_on = rate.billed_on
    order.booked_quantity_milli = booked
    order.used_quantity_milli = used
    order.billed_quantity_milli = result.billed_milli
    order.amount = from_fen(result.amount_fen)  # type: ignore[assignment]
    order.voucher_amount = Decimal("0.00")  # type: ignore[assignment]
    order.enterprise_amount = order.amount
    order.agreement = agreement
    order.priced_at = timezone.now()


PRICE_FIELDS = [
    "rate",
    "unit",
    "unit_price",
    "minimum_charge",
    "billed_on",
    "booked_quantity_milli",
    "used_quantity_milli",
    "billed_quantity_milli",
    "amount",
    "voucher_amount",
    "enterprise_amount",
    "agreement",
    "priced_at",
]


def price_data(order: ServiceOrder) -> dict[str, Any]:
    return {
        "rate": order.rate_id,
        "agreement": order.agreement_id,
        "unit": order.unit,
        "unit_price": format(order.unit_price, "f"),
        "billed_on": order.billed_on,
        "booked_milli": order.booked_quantity_milli,
        "used_milli": order.used_quantity_milli,
        "billed_milli": order.billed_quantity_milli,
        "amount": format(order.amount, "f"),
    }


def owner_side(order: ServiceOrder) -> list[User]:
    managers = User.objects.filter(
        organisation_id=order.resource.owner_id, role=Role.INSTITUTION_MEMBER, is_active=True
    )
    staff: Iterable[User] = []
    if order.agreement_id is not None:
        staff = User.objects.filter(
            pk__in=AgreementStaff.objects.filter(agreement_id=order.agreement_id).values("user_id")
        )
    return [*managers, *staff]


def tell(
    recipients: Iterable[User], actor: Actor, title: str | Phrase, order: ServiceOrder
) -> None:
    from techbridge.notifications.services import notify

    actor_pk = getattr(actor, "pk", None)
    notify(
        recipients=[u for u in recipients if u is not None and u.pk != actor_pk],
        kind=NOTIFICATION_KIND,
        title=title,
        link=order.get_absolute_url(),
    )


def tell_priced(order: ServiceOrder, actor: Actor) -> None:
    tell(
        [order.customer_user],
        actor,
        phrase(
            "Order %(n)s is priced at %(a)s yuan: please check and confirm it.",
            {"n": order.number, "a": order.amount},
        ),
        order,
    )


def used_quantity(
    unit: str,
    *,
    actual_start: dt.datetime | None,
    actual_end: dt.datetime | None,
    samples: int | None,
    quantity_milli: int | None,
) -> int:
    """What was used, in thousandths of the rate's unit: an explicit quantity wins; else
    hours or days from the actual times, or the number of samples."""
    if actual_start is not None and actual_end is not None and actual_end <= actual_start:
        raise ValidationError({"actual_end": [_("The end is not after the start.")]})
    if quantity_milli is not None:
        if (
            not isinstance(quantity_milli, int)
            or isinstance(quantity_milli, bool)
            or quantity_milli < 0
        ):
            raise ValidationError({"quantity_milli": [_("A quantity of 0 or more.")]})
        return quantity_milli
    if unit == RateUnit.FLAT:
        return MILLI
    if unit == RateUnit.SAMPLE:
        if samples is None:
            raise ValidationError({"samples": [_("Enter the number of samples.")]})
        return pricing.whole_units_milli(samples)
    if actual_start is None or actual_end is None:
        raise ValidationError({"actual_start": [_("Enter the actual start and end.")]})
    seconds = int((actual_end - actual_start).total_seconds())
    if unit == RateUnit.DAY:
        return pricing.days_milli(seconds)
    return pricing.hours_milli(seconds)
