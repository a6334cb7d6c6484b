"""Reimbursement claims (兑付申请, 通兑 mode, ADR 0013): the provider of confirmed orders
claims their voucher parts with an invoice; bureau staff of the issuing bureau approve or
reject and record the payment. Nobody decides or pays their own organisation's claim.
Counters: ``programme.claimed_total`` moves on submit and reject, ``paid_total`` on pay,
both under the programme's row lock and the database's ``paid ≤ claimed ≤ used`` check."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.exceptions import TransitionError
from techbridge.core.money import format_yuan, to_fen
from techbridge.core.phrases import Phrase, phrase
from techbridge.core.sequences import next_number
from techbridge.notifications.models import NotificationKind
from techbridge.notifications.services import notify
from techbridge.sharing.models import (
    ClaimLine,
    ClaimStatus,
    Redemption,
    ReimbursementClaim,
    VoucherEventKind,
    VoucherProgramme,
)
from techbridge.sharing.selectors import vouchers as sel
from techbridge.sharing.services.voucher_kit import (
    acting_member,
    bump,
    clean_text,
    link_to,
    lock_programme,
    require,
    voucher_event,
)


@transaction.atomic
def claim_submit(
    *, actor: Actor, redemptions: Iterable[Redemption | int], invoice_number: str
) -> ReimbursementClaim:
    """The provider claims the voucher parts of confirmed or settled orders it provides,
    all of one programme, backed by one invoice. Each redemption is claimed at most once."""
    ids = sorted({r.pk if isinstance(r, Redemption) else int(r) for r in redemptions})
    if not ids:
        raise ValidationError({"redemptions": _("Choose at least one voucher payment.")})
    invoice = clean_text(invoice_number, "invoice_number", limit=40, required=True)
    list(Redemption.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    rows = list(
        Redemption.objects.filter(pk__in=ids)
        .select_related("voucher__programme", "order__agreement", "order__resource")
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise ValidationError({"redemptions": _("Unknown voucher payment.")})
    providers = {sel.provider_id_of(r.order) for r in rows}
    provider = providers.pop() if len(providers) == 1 else 0
    user, _org = acting_member(
        actor,
        sel.is_provider_member(actor, provider),
        _("Only the provider of the orders claims their voucher parts."),
    )
    programmes = {r.voucher.programme_id for r in rows}
    if len(programmes) != 1:
        raise ValidationError({"redemptions": _("One claim covers one voucher programme.")})
    for r in rows:
        problem = None
        if r.released_at is not None:
            problem = _("the voucher was released from order %(o)s")
        elif r.order.status not in sel.CLAIMABLE_ORDER_STATUSES:
            problem = _("order %(o)s is not confirmed by the customer yet")
        elif sel.is_claimed(r):
            problem = _("order %(o)s is already claimed")
        if problem:
            raise ValidationError({"redemptions": problem % {"o": r.order.number}})
    if (
        ReimbursementClaim.objects.filter(provider_id=provider, invoice_number=invoice)
        .exclude(status=ClaimStatus.REJECTED)
        .exists()
    ):
        raise ValidationError(
            {"invoice_number": _("Invoice %(n)s already backs another claim.") % {"n": invoice}}
        )
    total = sum((r.amount for r in rows), Decimal("0.00"))
    year = timezone.localdate().year
    number = f"DF{year}{next_number(f'sharing.claim:{year}'):06d}"
    try:
        with transaction.atomic():
            claim = ReimbursementClaim.objects.create(
                number=number,
                programme_id=programmes.pop(),
                provider_id=provider,
                invoice_number=invoice,
                amount=total,
                submitted_by=user,
            )
            ClaimLine.objects.bulk_create(
                [ClaimLine(claim=claim, redemption=r, amount=r.amount) for r in rows]
            )
    except IntegrityError:  # a concurrent claim took the invoice or a redemption first
        raise TransitionError(
            _("Another claim took one of these payments or this invoice; reload and retry.")
        ) from None
    bump(VoucherProgramme, claim.programme_id, claimed_total=F("claimed_total") + to_fen(total))
    voucher_event(
        claim,
        actor,
        VoucherEventKind.CLAIMED,
        to_state=claim.status,
        data={
            "lines": len(rows),
            "amount": format(total, "f"),
            "orders": [r.order_id for r in rows],
        },
    )
    audit_record(AuditEventType.CREATE, actor=actor, obj=claim)
    return claim


def _lock_claim(
    actor: Actor, claim: ReimbursementClaim, allowed: set[str]
) -> tuple[ReimbursementClaim, VoucherProgramme]:
    locked = ReimbursementClaim.objects.select_for_update().get(pk=claim.pk)
    programme = lock_programme(locked.programme)
    require(sel.runs_programme(actor, programme), _("Only the issuing bureau decides claims."))
    if getattr(actor, "organisation_id", None) == locked.provider_id:
        raise TransitionError(_("Nobody approves their own organisation's claim."))
    if locked.status not in allowed:
        raise TransitionError(
            _("This claim is %(s)s; that step is not possible.")
            % {"s": locked.get_status_display()}
        )
    return locked, programme


def _claim_moved(
    actor: Actor, claim: ReimbursementClaim, old: str, kind: str, fields: list[str], note: str = ""
) -> None:
    claim.save_versioned(expected_version=None, update_fields=["status", *fields])
    voucher_event(claim, actor, kind, from_state=old, to_state=claim.status, note=note)
    audit_record(
        AuditEventType.TRANSITION, actor=actor, obj=claim, detail={"from": old, "to": claim.status}
    )


def _tell_claimant(claim: ReimbursementClaim, title: str | Phrase, body: str | Phrase = "") -> None:
    notify(
        recipients=[claim.submitted_by],
        kind=NotificationKind.OTHER,
        title=title,
        body=body,
        link=link_to("voucher_claim", claim.pk),
    )


@transaction.atomic
def claim_approve(*, actor: Actor, claim: ReimbursementClaim, note: str = "") -> ReimbursementClaim:
    locked, _programme = _lock_claim(actor, claim, {ClaimStatus.SUBMITTED})
    locked.status = ClaimStatus.APPROVED
    locked.decided_by = actor_or_none(actor)
    locked.decided_at = timezone.now()
    locked.decision_note = clean_text(note, "note", limit=2000, required=False)
    _claim_moved(
        actor,
        locked,
        ClaimStatus.SUBMITTED,
        VoucherEventKind.CLAIM_APPROVED,
        ["decided_by", "decided_at", "decision_note"],
        locked.decision_note,
    )
    _tell_claimant(
        locked,
        phrase(
            "Claim %(n)s approved: %(v)s yuan",
            {"n": locked.number, "v": format_yuan(locked.amount)},
        ),
    )
    claim.refresh_from_db()
    return claim


@transaction.atomic
def claim_reject(*, actor: Actor, claim: ReimbursementClaim, reason: str) -> ReimbursementClaim:
    """Reject a submitted or approved (unpaid) claim; its payments can be claimed again."""
    locked, programme = _lock_claim(actor, claim, {ClaimStatus.SUBMITTED, ClaimStatus.APPROVED})
    old = locked.status
    locked.status = ClaimStatus.REJECTED
    locked.decided_by = actor_or_none(actor)
    locked.decided_at = timezone.now()
    locked.decision_note = clean_text(reason, "reason", limit=2000, required=True)
    locked.lines.update(live=False)
    bump(VoucherProgramme, programme.pk, claimed_total=F("claimed_total") - to_fen(locked.amount))
    _claim_moved(
        actor,
        locked,
        old,
        VoucherEventKind.CLAIM_REJECTED,
        ["decided_by", "decided_at", "decision_note"],
        locked.decision_note,
    )
    _tell_claimant(
        locked, phrase("Claim %(n)s rejected", {"n": locked.number}), locked.decision_note
    )
    claim.refresh_from_db()
    return claim


@transaction.atomic
def claim_pay(
    *, actor: Actor, claim: ReimbursementClaim, reference: str = ""
) -> ReimbursementClaim:
    """Record that the bureau paid an approved claim in full."""
    locked, programme = _lock_claim(actor, claim, {ClaimStatus.APPROVED})
    locked.status = ClaimStatus.PAID
    locked.paid_at = timezone.now()
    locked.paid_by = actor_or_none(actor)
    locked.payment_reference = clean_text(reference, "reference", limit=60, required=False)
    bump(VoucherProgramme, programme.pk, paid_total=F("paid_total") + to_fen(locked.amount))
    _claim_moved(
        actor,
        locked,
        ClaimStatus.APPROVED,
        VoucherEventKind.CLAIM_PAID,
        ["paid_at", "paid_by", "payment_reference"],
    )
    _tell_claimant(
        locked,
        phrase(
            "Claim %(n)s paid: %(v)s yuan", {"n": locked.number, "v": format_yuan(locked.amount)}
        ),
        locked.payment_reference,
    )
    claim.refresh_from_db()
    return claim
