"""Innovation voucher services (创新券): programmes, applications and issuance, redemption
against service orders, and the providers' reimbursement claims (通兑, ADR 0013).

Every money counter changes under a row lock (``select_for_update`` on PostgreSQL; on
SQLite the IMMEDIATE transaction serialises writers) and is checked again by the database
(``paid ≤ claimed ≤ used ≤ issued ≤ budget``, ``issued ≤ cap``, ``used ≤ face value``), so
no interleaving of requests can overspend. Locks are always taken in the same order —
application / claim / order → redemption → voucher → allowance → programme — so two
services never wait for each other in a cycle.

For the orders part (keep these signatures stable)::

    apply_voucher(*, actor, order, voucher, amount=None) -> Redemption
        The voucher pays part of a PRICED or CONFIRMED order: ``amount`` (yuan, Decimal or
        text; None = as much as allowed) at most ``programme.max_share_bp`` of
        ``order.amount`` (the largest whole fen not above the share) and at most the
        voucher's balance. The voucher must be active and valid on ``order.service_date``,
        belong to the order's customer, and its programme must cover the resource kind and
        the customer's region; the order must not already have a live redemption. Actor:
        a member of the customer enterprise, or None (the system). Writes voucher.used,
        programme.used_total, order.voucher_amount and order.enterprise_amount
        (= amount − voucher_amount; the passed ``order`` instance is updated too, with its
        new ``version``), a Redemption, an OrderEvent VOUCHER_APPLIED and a VoucherEvent.

    release_voucher(*, actor, order, reason) -> Redemption | None
        Undo the order's live redemption (the order is cancelled or amended; after an
        amendment call apply_voucher again). None if the order has none. Refused
        (TransitionError) once the redemption is in a live claim. Actor: anyone who sees
        the order (``sharing.access.visible_orders``) or None. Writes the same counters
        back, OrderEvent VOUCHER_RELEASED (note = reason) and a VoucherEvent.

Programmes and applications live in ``voucher_programmes``, claims in ``voucher_claims``;
this module re-exports them, so callers import ``sharing.services.vouchers`` only.

Both raise ValidationError (naming the field), TransitionError or PermissionDenied and
join the caller's transaction when called inside one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor
from techbridge.core.events import record_event
from techbridge.core.exceptions import TransitionError
from techbridge.core.money import format_yuan, from_fen, to_fen
from techbridge.sharing.access import visible_orders
from techbridge.sharing.models import (
    OrderEvent,
    OrderEventKind,
    Redemption,
    ServiceOrder,
    Voucher,
    VoucherEventKind,
    VoucherProgramme,
    VoucherStatus,
)
from techbridge.sharing.selectors import vouchers as sel
from techbridge.sharing.services.voucher_claims import (
    claim_approve,
    claim_pay,
    claim_reject,
    claim_submit,
)
from techbridge.sharing.services.voucher_kit import (
    bump,
    clean_amount,
    clean_text,
    require,
    voucher_event,
)
from techbridge.sharing.services.voucher_programmes import (
    PROGRAMME_FIELDS,
    application_approve,
    application_reject,
    application_submit,
    programme_close,
    programme_create,
    programme_open,
    programme_update,
    vouchers_expire,
)

__all__ = [
    "PROGRAMME_FIELDS",
    "application_approve",
    "application_reject",
    "application_submit",
    "apply_voucher",
    "claim_approve",
    "claim_pay",
    "claim_reject",
    "claim_submit",
    "programme_close",
    "programme_create",
    "programme_open",
    "programme_update",
    "release_voucher",
    "vouchers_expire",
]


def _lock_order(order: ServiceOrder) -> ServiceOrder:
    return ServiceOrder.objects.select_for_update().get(pk=order.pk)


def _write_order_split(order: ServiceOrder, locked: ServiceOrder, voucher_amount: Decimal) -> None:
    enterprise_amount = locked.amount - voucher_amount
    now = timezone.now()
    ServiceOrder.objects.filter(pk=locked.pk).update(
        voucher_amount=voucher_amount,
        enterprise_amount=enterprise_amount,
        version=F("version") + 1,
        updated_at=now,
    )
    # The caller's instance follows, so a later save_versioned of it is not refused.
    order.amount = locked.amount
    order.voucher_amount = voucher_amount
    order.enterprise_amount = enterprise_amount
    order.version = locked.version + 1
    order.updated_at = now


def _redeem_amount(locked: ServiceOrder, voucher: Voucher, amount: Any) -> Decimal:
    """Check eligibility and the limits; return the amount the voucher pays."""
    programme = voucher.programme
    day = locked.service_date
    if locked.customer_id != voucher.enterprise_id:
        raise ValidationError({"voucher": _("This voucher belongs to another enterprise.")})
    if locked.status not in sel.REDEEMABLE_ORDER_STATUSES:
        raise TransitionError(
            _("A voucher pays only priced orders not yet settled (this one is %(s)s).")
            % {"s": locked.get_status_display()}
        )
    if voucher.status != VoucherStatus.ACTIVE:
        raise TransitionError(
            _("Voucher %(code)s is %(s)s.")
            % {"code": voucher.code, "s": voucher.get_status_display()}
        )
    if not (
        voucher.valid_from <= day <= voucher.valid_until
        and programme.valid_from <= day <= programme.valid_until
    ):
        raise ValidationError(
            {
                "voucher": _("Voucher %(code)s is not valid on the service date %(d)s.")
                % {"code": voucher.code, "d": day.isoformat()}
            }
        )
    if not sel.kind_eligible(programme, locked.resource.kind):
        raise ValidationError({"voucher": _("The programme does not cover this kind of resource.")})
    if not sel.region_eligible(programme, voucher.enterprise.region_code):
        raise ValidationError(
            {"voucher": _("The programme does not cover enterprises of this region.")}
        )
    share = sel.share_cap_fen(locked.amount, programme.max_share_bp)
    balance = to_fen(voucher.face_value - voucher.used)
    most = min(share, balance)
    if most <= 0:
        raise ValidationError({"amount": _("Nothing of this order can be paid by the voucher.")})
    if amount in (None, ""):
        return from_fen(most)
    value = clean_amount(amount, "amount")
    if to_fen(value) > share:
        raise ValidationError(
            {
                "amount": _("A voucher pays at most %(pct)s %% of the order: %(v)s yuan.")
                % {
                    "pct": f"{programme.max_share_bp / 100:g}",
                    "v": format_yuan(Decimal(share) / 100),
                }
            }
        )
    if to_fen(value) > balance:
        raise ValidationError(
            {
                "amount": _("The voucher's balance is %(v)s yuan.")
                % {"v": format_yuan(from_fen(balance))}
            }
        )
    return value


@transaction.atomic
def apply_voucher(
    *, actor: Actor, order: ServiceOrder, voucher: Voucher, amount: Any = None
) -> Redemption:
    """Pay part of ``order`` with ``voucher`` (see the module docstring)."""
    locked = _lock_order(order)
    v = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if actor is not None:
        require(
            sel.is_enterprise_member(actor) and actor.organisation_id == v.enterprise_id,  # type: ignore[union-attr]
            _("Only the voucher's enterprise spends it."),
        )
    if Redemption.objects.filter(order=locked, released_at__isnull=True).exists():
        raise TransitionError(
            _("This order is already paid partly by a voucher; release that first.")
        )
    if locked.amount <= 0:
        raise TransitionError(_("The order has no price yet."))
    value = _redeem_amount(locked, v, amount)
    fen = to_fen(value)
    exhausted = fen == to_fen(v.face_value - v.used)
    bump(
        Voucher,
        v.pk,
        used=F("used") + fen,
        status=VoucherStatus.EXHAUSTED if exhausted else VoucherStatus.ACTIVE,
    )
    bump(VoucherProgramme, v.programme_id, used_total=F("used_total") + fen)
    redemption = Redemption.objects.create(voucher=v, order=locked, amount=value)
    _write_order_split(order, locked, value)
    record_event(
        OrderEvent,
        subject=locked,
        actor=actor,
        kind=OrderEventKind.VOUCHER_APPLIED,
        data={"voucher": v.code, "amount": format(value, "f"), "redemption": redemption.pk},
    )
    voucher_event(
        v,
        actor,
        VoucherEventKind.REDEEMED,
        data={"order": locked.pk, "amount": format(value, "f"), "redemption": redemption.pk},
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=redemption)
    audit_record(
        AuditEventType.UPDATE,
        actor=actor,
        obj=locked,
        detail={"fields": ["voucher_amount", "enterprise_amount"]},
    )
    voucher.refresh_from_db()
    return redemption


@transaction.atomic
def release_voucher(*, actor: Actor, order: ServiceOrder, reason: str) -> Redemption | None:
    """Undo the order's live redemption (see the module docstring)."""
    locked = _lock_order(order)
    if actor is not None:
        require(
            visible_orders(actor).filter(pk=locked.pk).exists(),
            _("You cannot change this order."),
        )
    redemption = (
        Redemption.objects.select_for_update()
        .filter(order=locked, released_at__isnull=True)
        .first()
    )
    if redemption is None:
        return None
    if sel.is_claimed(redemption):
        raise TransitionError(
            _("The voucher part of this order is already claimed; it cannot be released.")
        )
    note = clean_text(reason, "reason", limit=2000, required=True)
    v = Voucher.objects.select_for_update().get(pk=redemption.voucher_id)
    fen = to_fen(redemption.amount)
    status = VoucherStatus.ACTIVE if v.status == VoucherStatus.EXHAUSTED else v.status
    bump(Voucher, v.pk, used=F("used") - fen, status=status)
    bump(VoucherProgramme, v.programme_id, used_total=F("used_total") - fen)
    redemption.released_at = timezone.now()
    redemption.save(update_fields=["released_at"])
    _write_order_split(order, locked, Decimal("0.00"))
    record_event(
        OrderEvent,
        subject=locked,
        actor=actor,
        kind=OrderEventKind.VOUCHER_RELEASED,
        note=note,
        data={"voucher": v.code, "amount": format(redemption.amount, "f")},
    )
    voucher_event(
        v,
        actor,
        VoucherEventKind.RELEASED,
        note=note,
        data={"order": locked.pk, "amount": format(redemption.amount, "f")},
    )
    audit_record(
        AuditEventType.UPDATE,
        actor=actor,
        obj=redemption,
        detail={"fields": ["released_at"]},
    )
    audit_record(
        AuditEventType.UPDATE,
        actor=actor,
        obj=locked,
        detail={"fields": ["voucher_amount", "enterprise_amount"]},
    )
    return redemption
