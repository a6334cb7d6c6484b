"""Demand side: technical demands (技术需求 / 难题) and solution proposals (解题)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from techbridge.catalogue.models.base import CatalogueRecord
from techbridge.core.models import VersionedModel
from techbridge.core.money import MoneyField

if TYPE_CHECKING:
    from techbridge.organisations.models import Organisation


class CooperationMode(models.TextChoices):
    TRANSFER = "transfer", _("Technology transfer")
    LICENCE = "licence", _("Licence")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    COMMISSIONED = "commissioned", _("Commissioned development")
    CONSULTING = "consulting", _("Technical consulting")
    SERVICE = "service", _("Technical service")
    OTHER = "other", _("Other / open")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    STATION_VISIT = "station_visit", _("Station visit")
    TECH_SQUAD = "tech_squad", _("Tech squad")
    MEETING = "meeting", _("Matchmaking meeting")


class Demand(CatalogueRecord):
    """A technical demand of an enterprise (the owner). ``summary`` is public; ``detail``
    is confidential when ``confidential`` is set (see selectors.can_see_demand_detail)."""

    KIND = "demand"

    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("public summary"), blank=True)
    detail = models.TextField(_("detailed description"), blank=True)
    industry_code = models.CharField(  # type: ignore[assignment]
        _("industry (GB/T 4754-2017)"), max_length=5, blank=True
    )
    budget_min = MoneyField(_("budget from (yuan)"), null=True, blank=True)
    budget_max = MoneyField(_("budget up to (yuan)"), null=True, blank=True)
    deadline = models.DateField(_("wished completion date"), null=True, blank=True)
    expires_on = models.DateField(_("listing expires on"), null=True, blank=True, db_index=True)
    cooperation_mode = models.CharField(
        _("wished cooperation mode"),
        max_length=24,
        choices=CooperationMode.choices,
        blank=True,
    )
    confidential = models.BooleanField(_("detail is confidential"), default=True)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE
    )
    recorded_by_station = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("recorded by station"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_demands",
    )
    confirmed_by_enterprise_at = models.DateTimeField(
        _("confirmed by the enterprise at"), null=True, blank=True
    )

    class Meta(CatalogueRecord.Meta):
        indexes = [
            *CatalogueRecord.Meta.indexes,
            models.Index(fields=["status", "title"], name="cat_demand_sttitle"),
        ]
        verbose_name = _("technical demand")
        verbose_name_plural = _("technical demands")
        constraints = [
            *CatalogueRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=F("budget_max")),
                name="cat_demand_budget_range",
            ),
        ]

    @property
    def search_summary(self) -> str:
        return self.summary  # never the confidential detail

    @property
    def enterprise(self) -> Organisation:
        """The owner under its domain name."""
        return self.owner

    @property
    def needs_confirmation(self) -> bool:
        return self.recorded_by_station_id is not None and self.confirmed_by_enterprise_at is None


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SolutionProposal(VersionedModel):
    """解题: an institution (optionally naming an expert) answers a demand."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="proposals"
    )
    proposer = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("proposing organisation"),
        on_delete=models.PROTECT,
        related_name="solution_proposals",
    )
    expert = models.ForeignKey(
        "catalogue.Expert",
        verbose_name=_("expert"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    approach = models.TextField(_("technical approach"))
    plan = models.TextField(_("work plan"), blank=True)
    price = MoneyField(_("price (yuan)"), null=True, blank=True)
    duration_days = models.PositiveIntegerField(_("duration (days)"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("solution proposal")
        verbose_name_plural = _("solution proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ProposalStatus]),
                name="cat_proposal_status_valid",
            ),
            # One live proposal per organisation and demand; withdrawn/declined may be redone.
            models.UniqueConstraint(
                fields=["demand", "proposer"],
                condition=Q(status__in=["submitted", "accepted"]),
                name="cat_proposal_one_live",
            ),
        ]
        indexes = [models.Index(fields=["proposer", "status"], name="cat_proposal_propst")]

    def __str__(self) -> str:
        return f"{self.proposer} → {self.demand}"
