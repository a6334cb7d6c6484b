"""Settlement adjustments (结算调整): a correction of an order already settled — a refund,
a fee corrected after its statement was issued. Nothing issued changes: the next monthly
run splits the adjustment among the parties of the order's original settlement and lists
it as adjustment lines (services/settlement.py, ``_adjustment_lines``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from techbridge.accounts.roles import MEMBER_ROLES, Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor, actor_or_none, is_active_user
from techbridge.core.events import record_event
from techbridge.core.exceptions import TransitionError
from techbridge.core.money import FEN, parse_amount
from techbridge.sharing.models import OrderEvent, OrderEventKind, OrderStatus, ServiceOrder
from techbridge.sharing.models.settlement import (
    LineKind,
    PartyKind,
    SettlementAdjustment,
    StatementLine,
)


def can_adjust(actor: Actor, order: ServiceOrder) -> bool:
    """Bureau staff, and members of the agency that operates the order's resource (it
    handles the money of the service), record adjustments."""
    if not is_active_user(actor):
        return False
    if actor.role == Role.BUREAU_STAFF:
        return True
    agreement = order.agreement
    return (
        actor.role in MEMBER_ROLES
        and agreement is not None
        and actor.organisation_id is not None
        and actor.organisation_id == agreement.agency_id
    )


def parse_signed_amount(value: Any, *, field_name: str) -> Decimal:
    """'-120.50' / '+3' / '80' → Decimal; the number itself is checked by
    ``core.money.parse_amount`` (no floats, exponents, separators, > 2 decimals)."""
    if isinstance(value, Decimal):
        value = format(value, "f")
    text = str(value if value is not None else "").strip()
    sign = -1 if text.startswith("-") else 1
    digits = text[1:] if text[:1] in "+-" and text else text
    try:
        amount = parse_amount(digits, allow_zero=True)
    except ValidationError as exc:
        raise ValidationError({field_name: exc.messages}) from None
    return (sign * amount).quantize(FEN)


@transaction.atomic
def settlement_adjustment_record(
    *,
    actor: Actor,
    order: ServiceOrder,
    amount: Any,
    voucher_amount: Any = "0",
    reason: str,
) -> SettlementAdjustment:
    """Record a correction of a settled order (``amount``: change of its income, negative
    for a refund; ``voucher_amount``: change of its voucher part). Nothing issued changes:
    the next run adds adjustment lines to the parties' statements."""
    order = (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("agreement")
        .get(pk=order.pk)
    )
    if not can_adjust(actor, order):
        raise PermissionDenied(
            _("Only bureau staff and the operating agency record settlement adjustments.")
        )
    if order.status != OrderStatus.SETTLED:
        raise TransitionError(
            _(
                "Order %(n)s is not settled yet: change the order itself; adjustments are "
                "for orders whose statements are issued."
            )
            % {"n": order.number}
        )
    change = parse_signed_amount(amount, field_name="amount")
    voucher_change = parse_signed_amount(voucher_amount, field_name="voucher_amount")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Give the reason for the adjustment (it is shown on the statement).")
    elif len(reason) > 300:
        errors["reason"] = _("The reason may have at most 300 characters.")
    if change == 0 and voucher_change == 0:
        errors["amount"] = _("An adjustment changes the income or the voucher part, or both.")
    totals = order.settlement_adjustments.aggregate(a=Sum("amount"), v=Sum("voucher_amount"))
    income = order.amount + (totals["a"] or 0) + change
    voucher = order.voucher_amount + (totals["v"] or 0) + voucher_change
    if income < 0:
        errors["amount"] = _(
            "The order's income would become negative (%(v)s yuan): a refund cannot exceed "
            "what was settled."
        ) % {"v": income}
    if (
        voucher_change
        and not StatementLine.objects.filter(
            order=order, kind=LineKind.REGULAR, statement__party_kind=PartyKind.PROGRAMME
        ).exists()
    ):
        errors["voucher_amount"] = _("Order %(n)s was not paid with an innovation voucher.") % {
            "n": order.number
        }
    elif voucher < 0 or voucher > max(income, Decimal(0)):
        errors["voucher_amount"] = _(
            "The voucher part would become %(v)s yuan: it must stay between 0 and the order's "
            "income."
        ) % {"v": voucher}
    if errors:
        raise ValidationError(errors)
    adjustment = SettlementAdjustment.objects.create(
        order=order,
        amount=change,
        voucher_amount=voucher_change,
        reason=reason,
        recorded_by=actor_or_none(actor),
    )
    record_event(
        OrderEvent,
        subject=order,
        actor=actor,
        kind=OrderEventKind.AMENDED,
        from_state=order.status,
        to_state=order.status,
        note=reason,
        data={
            "adjustment": adjustment.pk,
            "amount": format(change, "f"),
            "voucher_amount": format(voucher_change, "f"),
        },
    )
    audit_record(
        AuditEventType.CREATE,
        actor=actor,
        obj=adjustment,
        detail={"order": order.pk, "fields": ["amount", "voucher_amount", "reason"]},
    )
    return adjustment
