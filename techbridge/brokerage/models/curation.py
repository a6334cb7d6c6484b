"""Curation: a broker recommends resources for a demand; the enterprise accepts (and the
two sides see each other's contacts) or declines with a structured reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from techbridge.core.models import TimeStampedModel


class RecommendationStatus(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommended")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class DeclineReason(models.TextChoices):
    NOT_RELEVANT = "not_relevant", _("Not relevant")
    TOO_EXPENSIVE = "too_expensive", _("Too expensive")
    NOT_MATURE = "not_mature", _("Not mature enough")
    ALREADY_SOLVED = "already_solved", _("Already solved")
    OTHER = "other", _("Other")


class Recommendation(TimeStampedModel):
    demand = models.ForeignKey(
        "catalogue.Demand",
        verbose_name=_("demand"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    resource_kind = models.CharField(_("resource kind"), max_length=16)
    resource_id = models.BigIntegerField(_("resource id"))
    # Kept with the row so the feedback page needs no per-kind lookups.
    resource_title = models.CharField(_("resource"), max_length=300)
    resource_owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("resource owner"),
        on_delete=models.PROTECT,
        related_name="recommendations_received",
    )
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("broker"),
        on_delete=models.PROTECT,
        related_name="recommendations_made",
    )
    note = models.TextField(_("note to the enterprise"), blank=True)
    score = models.FloatField(_("match score"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.RECOMMENDED,
    )
    decline_reason = models.CharField(
        _("reason for declining"), max_length=16, choices=DeclineReason.choices, blank=True
    )
    decline_text = models.TextField(_("explanation"), blank=True)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "resource_kind", "resource_id"], name="brk_reco_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in RecommendationStatus]),
                name="brk_reco_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="brk_reco_declined_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["broker", "status"], name="brk_reco_broker"),
            models.Index(fields=["resource_owner", "status"], name="brk_reco_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_title} → {self.demand_id}"


class ContactGrant(TimeStampedModel):
    """Opened when an enterprise accepts a recommendation: the enterprise and the
    resource owner may see each other's contact details for this demand. Pages consult
    it (selectors.contacts_granted) and audit each reveal."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="contact_grant"
    )
    demand = models.ForeignKey("catalogue.Demand", on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    supplier = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("contact grant")
        verbose_name_plural = _("contact grants")
        indexes = [models.Index(fields=["enterprise", "supplier"], name="brk_grant_pair")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} ↔ {self.supplier_id}"
