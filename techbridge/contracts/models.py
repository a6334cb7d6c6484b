"""Technology contracts (技术合同) and their registration (认定登记).

A contract is written by the seller side (or its broker), submitted, then certified and
registered by a registrar of the technology-market office — or returned with a reason.
Every step and every amendment after registration is a ContractEvent row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from techbridge.codes.choices import ContractType, IPType, TechField
from techbridge.core.models import AttachmentBase, EventBase, VersionedModel, attachment_path
from techbridge.core.money import MoneyField

CHINA = "156"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    REGISTERED = "registered", _("Registered")
    CANCELLED = "cancelled", _("Cancelled")


class TechnologyContract(VersionedModel):
    registration_number = models.CharField(
        _("registration number"), max_length=19, null=True, blank=True, unique=True
    )
    name = models.CharField(_("contract name"), max_length=200)
    contract_type = models.CharField(_("contract type"), max_length=16, choices=ContractType)
    # Seller (卖方) and buyer (买方): a linked organisation where known, otherwise the name,
    # country (ISO 3166 numeric), region (GB/T 2260) and legal-person type typed in.
    seller_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("seller organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts_sold",
    )
    seller_name = models.CharField(_("seller"), max_length=200)
    seller_country = models.CharField(_("seller country"), max_length=3, default=CHINA)
    seller_region = models.CharField(_("seller region"), max_length=6, blank=True)
    seller_type = models.CharField(_("seller legal-person type"), max_length=3, blank=True)
    buyer_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("buyer organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts_bought",
    )
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_country = models.CharField(_("buyer country"), max_length=3, default=CHINA)
    buyer_region = models.CharField(_("buyer region"), max_length=6, blank=True)
    buyer_type = models.CharField(_("buyer legal-person type"), max_length=3, blank=True)
    signed_on = models.DateField(_("signing date"))
    # YYYYMM of signed_on, kept by the services so statistics group by month without
    # per-row date functions (SQLite evaluates those in Python).
    signed_month = models.PositiveIntegerField(_("signing month"), editable=False)
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    contract_amount = MoneyField(_("contract amount (yuan)"))
    technology_amount = MoneyField(_("technology transaction amount (yuan)"))
    ip_type = models.CharField(_("IP type"), max_length=24, choices=IPType, blank=True)
    technical_field = models.CharField(_("technical field"), max_length=32, choices=TechField)
    # Where the contract came from: a demand of the catalogue, or (brokerage keeps the FK on
    # its side, Deal.contract) a deal; source_reference holds any other reference, such as
    # a paper file number.
    demand = models.ForeignKey(
        "catalogue.Demand",
        verbose_name=_("demand"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
    )
    source_reference = models.CharField(_("other source reference"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ContractStatus, default=ContractStatus.DRAFT
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    registration_office = models.CharField(_("registering office"), max_length=8, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("technology contract")
        verbose_name_plural = _("technology contracts")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_amount__gt=0) & Q(technology_amount__gt=0),
                name="contract_amounts_positive",
            ),
            models.CheckConstraint(
                condition=Q(technology_amount__lte=F("contract_amount")),
                name="contract_technology_le_contract",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ContractStatus]),
                name="contract_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(registration_number__isnull=False),
                name="contract_registered_has_number",
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=F("term_start")),
                name="contract_term_consistent",
            ),
        ]
        indexes = [
            # Covering indexes for the statistics: one per leading filter (date, seller
            # region, buyer region), each holding every column a statistic reads.
            models.Index(
                fields=[
                    "status",
                    "signed_on",
                    "seller_region",
                    "buyer_region",
                    "contract_type",
                    "technical_field",
                    "seller_type",
                    "buyer_type",
                    "signed_month",
                    "contract_amount",
                    "technology_amount",
                ],
                name="contract_stats_date",
            ),
            models.Index(
                fields=[
                    "status",
                    "seller_region",
                    "signed_on",
                    "buyer_region",
                    "contract_type",
                    "technical_field",
                    "seller_type",
                    "buyer_type",
                    "signed_month",
                    "contract_amount",
                    "technology_amount",
                ],
                name="contract_stats_seller",
            ),
            models.Index(
                fields=[
                    "status",
                    "buyer_region",
                    "signed_on",
                    "seller_region",
                    "contract_type",
                    "technical_field",
                    "seller_type",
                    "buyer_type",
                    "signed_month",
                    "contract_amount",
                    "technology_amount",
                ],
                name="contract_stats_buyer",
            ),
            models.Index(fields=["name", "signed_on"], name="contract_duplicate_key"),
        ]

    def __str__(self) -> str:
        return self.registration_number or self.name


class ContractEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Edited")
    SUBMITTED = "submitted", _("Submitted")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    RETURNED = "returned", _("Returned")
    REGISTERED = "registered", _("Certified and registered")
    AMENDED = "amended", _("Amended")
    CANCELLED = "cancelled", _("Cancelled")
    IMPORTED = "imported", _("Imported")
    ATTACHED = "attached", _("Attachment added")


class ContractEvent(EventBase):
    """A contract's history (core.models.EventBase): ``note`` is the reason given,
    ``data`` the changed fields and old → new values of certified fields."""

    contract = models.ForeignKey(
        TechnologyContract, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=ContractEventKind)

    subject_field = "contract"

    class Meta(EventBase.Meta):
        verbose_name = _("contract event")

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind}"


def _attachment_path(instance: Any, filename: str) -> str:
    # Named by migration 0001; files are now named by core.models.attachment_path.
    return attachment_path(instance, filename)


class ContractAttachment(AttachmentBase):
    """A file attached to a contract (core.models.AttachmentBase)."""

    contract = models.ForeignKey(
        TechnologyContract, on_delete=models.CASCADE, related_name="attachments"
    )

    subject_field = "contract"
    upload_folder = "contracts/attachments"

    class Meta(AttachmentBase.Meta):
        verbose_name = _("contract attachment")
