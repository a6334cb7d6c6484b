"""Innovation vouchers (创新券): programmes, applications, vouchers, redemptions against
orders and the providers' reimbursement claims.

Money counters live on rows the services lock (``select_for_update``) and the database
checks (``issued ≤ budget``, ``used ≤ face value``, an enterprise's yearly total ≤ cap), so
no interleaving of requests can overspend a programme. Settlement mode 通兑 (provider
redeems, claims from the bureau) is built; ADR 0013 says how 通用 fits.

Counters, all exact fen, all checked by the database on every write:

- programme: ``paid ≤ claimed ≤ used ≤ issued ≤ budget``;
- allowance (programme, enterprise, year): ``issued ≤ cap``;
- voucher: ``used ≤ face value``; ``Σ face values = programme.issued_total``;
- a redemption is in at most one live claim (``sharing_claim_line_once``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from techbridge.core.models import EventBase, VersionedModel
from techbridge.core.money import MoneyField
from techbridge.sharing.models.orders import ServiceOrder
from techbridge.sharing.models.resources import WHOLE


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed")


class VoucherProgramme(VersionedModel):
    name = models.CharField(_("name"), max_length=200)
    bureau = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("issuing bureau"),
        on_delete=models.PROTECT,
        related_name="voucher_programmes",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    budget = MoneyField(_("budget (yuan)"))
    cap_per_enterprise_year = MoneyField(_("cap per enterprise and year (yuan)"))
    max_share_bp = models.PositiveIntegerField(
        _("largest share of an order a voucher may pay (basis points)"), default=5_000
    )
    eligible_kinds = models.JSONField(_("eligible resource kinds"), default=list, blank=True)
    # GB/T 2260 prefixes of the enterprise's region ("52" = Guizhou); empty = everywhere.
    eligible_regions = models.JSONField(_("eligible enterprise regions"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    description = models.TextField(_("description"), blank=True)
    issued_total = MoneyField(_("issued (yuan)"), default=0)
    used_total = MoneyField(_("used (yuan)"), default=0)
    claimed_total = MoneyField(_("claimed (yuan)"), default=0)
    paid_total = MoneyField(_("paid (yuan)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("voucher programme")
        verbose_name_plural = _("voucher programmes")
        ordering = ["-valid_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gt=0)
                & Q(cap_per_enterprise_year__gt=0)
                & Q(issued_total__gte=0)
                & Q(issued_total__lte=F("budget"))
                & Q(used_total__gte=0)
                & Q(used_total__lte=F("issued_total"))
                & Q(claimed_total__gte=0)
                & Q(claimed_total__lte=F("used_total"))
                & Q(paid_total__gte=0)
                & Q(paid_total__lte=F("claimed_total")),
                name="sharing_programme_never_overspent",
            ),
            models.CheckConstraint(
                condition=Q(max_share_bp__gte=1) & Q(max_share_bp__lte=WHOLE),
                name="sharing_programme_share_valid",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="sharing_programme_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseAllowance(models.Model):
    """What one enterprise has been issued under a programme in one year; the cap is copied
    in so the database can check ``issued ≤ cap`` on the row it locks."""

    programme = models.ForeignKey(
        VoucherProgramme, on_delete=models.PROTECT, related_name="allowances"
    )
    enterprise = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="voucher_allowances"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    cap = MoneyField(_("cap (yuan)"))
    issued = MoneyField(_("issued (yuan)"), default=0)

    class Meta:
        verbose_name = _("enterprise voucher allowance")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "enterprise", "year"], name="sharing_allowance_once"
            ),
            models.CheckConstraint(
                condition=Q(issued__gte=0) & Q(issued__lte=F("cap")),
                name="sharing_allowance_within_cap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.enterprise} · {self.year}"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class VoucherApplication(VersionedModel):
    programme = models.ForeignKey(
        VoucherProgramme, on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="voucher_applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amount_requested = MoneyField(_("amount requested (yuan)"))
    amount_approved = MoneyField(_("amount approved (yuan)"), null=True, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("voucher application")
        verbose_name_plural = _("voucher applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__gt=0), name="sharing_application_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True)
                | (Q(amount_approved__gt=0) & Q(amount_approved__lte=F("amount_requested"))),
                name="sharing_application_approved_within_request",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"], name="sharing_app_prog_status")]

    def __str__(self) -> str:
        return f"{self.programme} · {self.enterprise}"


class VoucherStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXHAUSTED = "exhausted", _("Used up")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Voucher(models.Model):
    code = models.CharField(_("voucher number"), max_length=24, unique=True)
    programme = models.ForeignKey(
        VoucherProgramme, on_delete=models.PROTECT, related_name="vouchers"
    )
    enterprise = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="vouchers"
    )
    application = models.OneToOneField(
        VoucherApplication, on_delete=models.PROTECT, related_name="voucher"
    )
    face_value = MoneyField(_("face value (yuan)"))
    used = MoneyField(_("used (yuan)"), default=0)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=VoucherStatus.choices, default=VoucherStatus.ACTIVE
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("innovation voucher")
        verbose_name_plural = _("innovation vouchers")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(face_value__gt=0) & Q(used__gte=0) & Q(used__lte=F("face_value")),
                name="sharing_voucher_within_face_value",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="sharing_voucher_dates"
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "status"], name="sharing_voucher_ent")]

    def __str__(self) -> str:
        return self.code

    @property
    def balance(self) -> Decimal:
        return self.face_value - self.used


class Redemption(models.Model):
    """A voucher paying part of one order (通兑: the provider redeems it)."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="redemptions")
    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="redemptions")
    amount = MoneyField(_("amount (yuan)"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voucher redemption")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="sharing_redemption_positive"),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(released_at__isnull=True),
                name="sharing_redemption_one_live_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher} → {self.order}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


class ReimbursementClaim(VersionedModel):
    """兑付申请: the provider asks the bureau to reimburse the voucher parts of orders."""

    number = models.CharField(_("claim number"), max_length=24, unique=True)
    programme = models.ForeignKey(VoucherProgramme, on_delete=models.PROTECT, related_name="claims")
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="voucher_claims",
    )
    invoice_number = models.CharField(_("invoice number"), max_length=40)
    amount = MoneyField(_("amount claimed (yuan)"))
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("reimbursement claim")
        verbose_name_plural = _("reimbursement claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="sharing_claim_positive"),
            # One invoice backs one claim (a rejected claim frees it for the corrected one).
            models.UniqueConstraint(
                fields=["provider", "invoice_number"],
                condition=~Q(status="rejected"),
                name="sharing_claim_invoice_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="sharing_claim_paid_at",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"], name="sharing_claim_prog_status")]

    def __str__(self) -> str:
        return self.number


class ClaimLine(models.Model):
    """One redemption in a claim. A redemption is in at most one *live* claim (database
    constraint); a rejected claim keeps its lines for the record with ``live`` False, so
    the provider can claim the same redemptions again with a corrected claim."""

    claim = models.ForeignKey(ReimbursementClaim, on_delete=models.PROTECT, related_name="lines")
    redemption = models.ForeignKey(Redemption, on_delete=models.PROTECT, related_name="claim_lines")
    amount = MoneyField(_("amount (yuan)"))
    live = models.BooleanField(_("counts (claim not rejected)"), default=True)

    class Meta:
        verbose_name = _("claim line")
        constraints = [
            models.UniqueConstraint(
                fields=["redemption"], condition=Q(live=True), name="sharing_claim_line_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="sharing_claim_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.claim} · {self.redemption}"


class VoucherEventKind(models.TextChoices):
    PROGRAMME_CREATED = "created", _("Programme created")
    PROGRAMME_UPDATED = "updated", _("Programme changed")
    PROGRAMME_OPENED = "opened", _("Programme opened")
    PROGRAMME_CLOSED = "closed", _("Programme closed")
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved and issued")
    REJECTED = "rejected", _("Rejected")
    REDEEMED = "redeemed", _("Redeemed against an order")
    RELEASED = "released", _("Redemption released")
    EXPIRED = "expired", _("Voucher expired")
    CLAIMED = "claimed", _("Reimbursement claimed")
    CLAIM_APPROVED = "claim_approved", _("Claim approved")
    CLAIM_REJECTED = "claim_rejected", _("Claim rejected")
    CLAIM_PAID = "claim_paid", _("Claim paid")


class VoucherEvent(EventBase):
    """History of a voucher programme (applications, vouchers, redemptions, claims). Every
    row names its programme; rows about an application, a voucher or a claim name it too,
    so each of their pages shows its own history."""

    programme = models.ForeignKey(VoucherProgramme, on_delete=models.CASCADE, related_name="events")
    application = models.ForeignKey(
        VoucherApplication, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    voucher = models.ForeignKey(
        Voucher, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    claim = models.ForeignKey(
        ReimbursementClaim, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=VoucherEventKind.choices)

    subject_field = "programme"

    class Meta(EventBase.Meta):
        verbose_name = _("voucher event")

    @classmethod
    def subject_values(cls, subject: models.Model) -> dict[str, Any]:
        """A programme, an application, a voucher or a claim (their programme is filled in)."""
        if isinstance(subject, VoucherProgramme):
            return {"programme": subject}
        if isinstance(subject, VoucherApplication):
            return {"programme_id": subject.programme_id, "application": subject}
        if isinstance(subject, Voucher):
            return {
                "programme_id": subject.programme_id,
                "voucher": subject,
                "application_id": subject.application_id,
            }
        if isinstance(subject, ReimbursementClaim):
            return {"programme_id": subject.programme_id, "claim": subject}
        raise TypeError(f"no voucher events about {type(subject).__name__}")
