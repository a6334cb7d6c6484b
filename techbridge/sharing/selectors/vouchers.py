"""Reads for innovation vouchers: who may do what, what each user sees, which vouchers an
order can use and how much of it they may pay, and the programme figures.

Visibility (deny by default):

- bureau staff see every programme, application, voucher and claim; they *act* only on
  programmes of their own bureau (``user.organisation``);
- enterprise members see programmes that are not drafts, and their own organisation's
  applications and vouchers;
- a provider's members (the organisation that claims an order's voucher part, see
  ``provider_id_of``) see their organisation's claims and claimable redemptions;
- everyone else sees no application, voucher or claim.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import MEMBER_ROLES, Role
from techbridge.codes.selectors import region_label
from techbridge.core.actors import is_active_user
from techbridge.core.money import from_fen, to_fen
from techbridge.sharing.models import (
    WHOLE,
    ApplicationStatus,
    ClaimLine,
    ClaimStatus,
    OrderStatus,
    ProgrammeStatus,
    Redemption,
    ReimbursementClaim,
    Resource,
    ResourceKind,
    ServiceOrder,
    SharingAgreement,
    Voucher,
    VoucherApplication,
    VoucherProgramme,
    VoucherStatus,
)

# Orders whose voucher part the provider may claim: the customer has confirmed the price.
CLAIMABLE_ORDER_STATUSES = (OrderStatus.CONFIRMED, OrderStatus.SETTLED)
# Orders a voucher may be applied to: priced (the amount is known), not yet settled.
REDEEMABLE_ORDER_STATUSES = (OrderStatus.PRICED, OrderStatus.CONFIRMED)


# --- roles and object-level checks -----------------------------------------------------------


def _org(user: Any) -> int | None:
    return getattr(user, "organisation_id", None) if is_active_user(user) else None


def is_bureau_staff(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.BUREAU_STAFF


def can_create_programme(user: Any) -> bool:
    """Bureau staff whose account belongs to a bureau (the programme's issuer)."""
    return is_bureau_staff(user) and _org(user) is not None


def runs_programme(user: Any, programme: VoucherProgramme) -> bool:
    """Bureau staff of the bureau that issues the programme."""
    return is_bureau_staff(user) and _org(user) == programme.bureau_id


def is_enterprise_member(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.ENTERPRISE_MEMBER and _org(user) is not None


def provider_id_of(order: ServiceOrder) -> int:
    """Who claims the voucher part of an order (ADR 0013): the operating agency of the
    order's sharing agreement — it runs the service, invoices the customer and receives the
    income that settlement splits — or the resource owner when no agreement applies."""
    if order.agreement_id is not None:
        return int(order.agreement.agency_id)  # type: ignore[union-attr]
    return int(order.resource.owner_id)


def _provider_q(org_id: int, prefix: str = "") -> Q:
    """Orders (under ``prefix``) whose voucher part ``org_id`` claims."""
    return Q(**{f"{prefix}agreement__agency_id": org_id}) | Q(
        **{f"{prefix}agreement__isnull": True, f"{prefix}resource__owner_id": org_id}
    )


def is_provider_member(user: Any, provider_id: int) -> bool:
    return is_active_user(user) and user.role in MEMBER_ROLES and _org(user) == provider_id


def provides_services(user: Any) -> bool:
    """The user's organisation owns a shared resource or operates one under an agreement,
    so it may have voucher payments to claim (the claims pages are for its members)."""
    org = _org(user)
    if org is None or not is_provider_member(user, org):
        return False
    return (
        Resource.objects.filter(owner_id=org).exists()
        or SharingAgreement.objects.filter(agency_id=org).exists()
    )


def may_decide_claim(user: Any, claim: ReimbursementClaim) -> bool:
    """Bureau staff of the programme's bureau, unless their organisation is the claimant:
    nobody approves (or pays) their own organisation's claim."""
    return runs_programme(user, claim.programme) and _org(user) != claim.provider_id


# --- what each user sees ----------------------------------------------------------------------


def programmes_visible_to(user: Any) -> QuerySet[VoucherProgramme]:
    if not is_active_user(user):
        return VoucherProgramme.objects.none()
    qs = VoucherProgramme.objects.select_related("bureau")
    if is_bureau_staff(user):
        return qs
    return qs.exclude(status=ProgrammeStatus.DRAFT)


def open_programmes(user: Any, *, today: dt.date) -> QuerySet[VoucherProgramme]:
    """Programmes the user's enterprise may apply to today."""
    if not is_enterprise_member(user):
        return VoucherProgramme.objects.none()
    return programmes_visible_to(user).filter(
        status=ProgrammeStatus.OPEN, valid_from__lte=today, valid_until__gte=today
    )


def applications_visible_to(user: Any) -> QuerySet[VoucherApplication]:
    qs = VoucherApplication.objects.select_related("programme", "enterprise", "applicant")
    if is_bureau_staff(user):
        return qs
    org = _org(user)
    if org is None or user.role != Role.ENTERPRISE_MEMBER:
        return qs.none()
    return qs.filter(enterprise_id=org)


def application_queue(user: Any) -> QuerySet[VoucherApplication]:
    """Submitted applications the bureau member may decide, oldest first."""
    if not is_bureau_staff(user):
        return VoucherApplication.objects.none()
    return (
        applications_visible_to(user)
        .filter(programme__bureau_id=_org(user), status=ApplicationStatus.SUBMITTED)
        .order_by("created_at", "id")
    )


def vouchers_visible_to(user: Any) -> QuerySet[Voucher]:
    qs = Voucher.objects.select_related("programme", "enterprise")
    if is_bureau_staff(user):
        return qs
    org = _org(user)
    if org is None or user.role != Role.ENTERPRISE_MEMBER:
        return qs.none()
    return qs.filter(enterprise_id=org)


def claims_visible_to(user: Any) -> QuerySet[ReimbursementClaim]:
    qs = ReimbursementClaim.objects.select_related("programme", "provider", "submitted_by")
    if is_bureau_staff(user):
        return qs
    org = _org(user)
    if org is None or user.role not in MEMBER_ROLES:
        return qs.none()
    return qs.filter(provider_id=org)


def claim_queue(user: Any) -> QuerySet[ReimbursementClaim]:
    """Claims waiting for the bureau member: submitted (to decide) and approved (to pay),
    of their bureau's programmes, never their own organisation's."""
    if not is_bureau_staff(user):
        return ReimbursementClaim.objects.none()
    return (
        claims_visible_to(user)
        .filter(
            programme__bureau_id=_org(user),
            status__in=[ClaimStatus.SUBMITTED, ClaimStatus.APPROVED],
        )
        .exclude(provider_id=_org(user))
        .order_by("created_at", "id")
    )


def _live_line() -> Exists:
    return Exists(ClaimLine.objects.filter(redemption_id=OuterRef("pk"), live=True))


def claimable_redemptions(
    user: Any, *, programme: VoucherProgramme | None = None
) -> QuerySet[Redemption]:
    """Redemptions the user's organisation may claim: not released, in no live claim, of
    orders it provides that the customer has confirmed (or that are settled)."""
    org = _org(user)
    if org is None or not is_provider_member(user, org):
        return Redemption.objects.none()
    qs = (
        Redemption.objects.filter(
            _provider_q(org, "order__"),
            released_at__isnull=True,
            order__status__in=CLAIMABLE_ORDER_STATUSES,
        )
        .exclude(_live_line())
        .select_related("voucher__programme", "order__resource", "order__customer")
        .order_by("order__service_date", "id")
    )
    if programme is not None:
        qs = qs.filter(voucher__programme=programme)
    return qs


# --- redemption: which voucher, how much -------------------------------------------------------


def region_eligible(programme: VoucherProgramme, region_code: str) -> bool:
    prefixes = programme.eligible_regions or []
    return not prefixes or any((region_code or "").startswith(p) for p in prefixes)


def kind_eligible(programme: VoucherProgramme, kind: str) -> bool:
    kinds = programme.eligible_kinds or []
    return not kinds or kind in kinds


def share_cap_fen(order_amount: Decimal, max_share_bp: int) -> int:
    """The largest whole fen not above ``max_share_bp`` of the order amount (floor, integer
    arithmetic: 50 % of 0.03 yuan is 0.01, never 0.02)."""
    return to_fen(order_amount) * max_share_bp // WHOLE


def voucher_max_amount(order: ServiceOrder, voucher: Voucher) -> Decimal:
    """The most ``voucher`` may pay of ``order`` now: the programme's share of the order
    amount and the voucher's balance, whichever is lower (eligibility not checked here)."""
    cap = share_cap_fen(order.amount, voucher.programme.max_share_bp)
    return from_fen(max(0, min(cap, to_fen(voucher.face_value - voucher.used))))


def usable_vouchers(order: ServiceOrder) -> list[Voucher]:
    """The customer's vouchers that could pay part of ``order``: active, with a balance,
    valid on its service date, and eligible for its resource kind and the customer's
    region. For the order page's "pay with a voucher" choice."""
    day = order.service_date
    candidates = Voucher.objects.filter(
        enterprise_id=order.customer_id,
        status=VoucherStatus.ACTIVE,
        valid_from__lte=day,
        valid_until__gte=day,
        programme__valid_from__lte=day,
        programme__valid_until__gte=day,
    ).select_related("programme", "enterprise")
    return [
        v
        for v in candidates
        if v.used < v.face_value
        and kind_eligible(v.programme, order.resource.kind)
        and region_eligible(v.programme, v.enterprise.region_code)
    ]


def live_redemption(order: ServiceOrder) -> Redemption | None:
    return (
        Redemption.objects.filter(order=order, released_at__isnull=True)
        .select_related("voucher__programme")
        .first()
    )


def is_claimed(redemption: Redemption) -> bool:
    return ClaimLine.objects.filter(redemption=redemption, live=True).exists()


# --- figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    amount: Decimal


def programme_figures(programme: VoucherProgramme) -> list[Figure]:
    """Budget, issued, used, claimed and paid — exact amounts, in that order."""
    return [
        Figure("budget", str(_("Budget")), programme.budget),
        Figure("issued", str(_("Issued")), programme.issued_total),
        Figure("used", str(_("Used")), programme.used_total),
        Figure("claimed", str(_("Claimed")), programme.claimed_total),
        Figure("paid", str(_("Paid")), programme.paid_total),
    ]


def eligibility_labels(programme: VoucherProgramme) -> dict[str, list[str]]:
    """Resource kinds and regions as names for the page (no raw codes)."""
    kinds = dict(ResourceKind.choices)
    return {
        "kinds": [str(kinds.get(k, k)) for k in programme.eligible_kinds or []],
        "regions": [region_label(p.ljust(6, "0")) for p in programme.eligible_regions or []],
    }


def enterprise_issued(programme: VoucherProgramme, enterprise_id: int, year: int) -> Decimal:
    allowance = programme.allowances.filter(enterprise_id=enterprise_id, year=year).first()
    return allowance.issued if allowance is not None else Decimal("0.00")
