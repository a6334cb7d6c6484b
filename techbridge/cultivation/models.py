"""Enterprise cultivation tiers (企业梯次培育): the tier records an enterprise holds, with
certificate, dates, evidence and attachments, and the yearly figures it enters for the
self-check (自评).

A tier record is written by bureau staff (登记) — never for their own organisation — and
is valid from ``obtained_on`` to ``expires_on`` (the last valid day; default from the
tier's validity in ``thresholds``) unless revoked. The figures are the enterprise's own
and confidential to it and to bureau staff.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techbridge.core.models import AttachmentBase, EventBase, VersionedModel
from techbridge.core.money import MoneyField
from techbridge.cultivation import thresholds as t


class Tier(models.TextChoices):
    TECH_SME = t.TECH_SME, _("Technology-based SME")
    HIGH_TECH = t.HIGH_TECH, _("High and new technology enterprise")
    SPECIALISED = t.SPECIALISED, _("Specialised and innovative SME")
    LITTLE_GIANT = t.LITTLE_GIANT, _("Specialised and innovative 'little giant'")
    ABOVE_SCALE = t.ABOVE_SCALE, _("Above designated size")
    LISTED = t.LISTED, _("Listed company")


class TierStatus(models.TextChoices):
    VALID = "valid", pgettext_lazy("tier status", "Valid")
    EXPIRED = "expired", pgettext_lazy("tier status", "Expired")
    REVOKED = "revoked", pgettext_lazy("tier status", "Revoked")


class TierRecord(VersionedModel):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="tier_records",
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    obtained_on = models.DateField(_("obtained on"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    evidence_note = models.TextField(_("evidence"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        verbose_name = _("tier record")
        verbose_name_plural = _("tier records")
        ordering = ["-obtained_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__in=[v for v, _label in Tier.choices]),
                name="cult_tier_valid",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("obtained_on")),
                name="cult_tier_expiry_after_obtained",
            ),
            models.UniqueConstraint(
                fields=["organisation", "tier", "obtained_on"], name="cult_tier_once_per_day"
            ),
            # Revoked ⇔ when, by whom and why.
            models.CheckConstraint(
                condition=(
                    Q(revoked_at__isnull=True, revoked_by__isnull=True, revoke_reason="")
                    | (Q(revoked_at__isnull=False, revoked_by__isnull=False) & ~Q(revoke_reason=""))
                ),
                name="cult_tier_revoked_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["tier", "obtained_on"], name="cult_tier_obtained"),
            models.Index(fields=["organisation", "tier"], name="cult_tier_org"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_tier_display()} ({self.obtained_on})"

    def status_on(self, day: dt.date) -> str:
        if self.revoked_at is not None:
            return TierStatus.REVOKED
        if self.expires_on is not None and self.expires_on < day:
            return TierStatus.EXPIRED
        return TierStatus.VALID

    @property
    def status(self) -> str:
        return self.status_on(dt.date.today())

    def get_status_display(self) -> str:
        return str(TierStatus(self.status).label)


class TierEventKind(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    ATTACHED = "attached", _("File attached")
    REVOKED = "revoked", _("Revoked")


class TierEvent(EventBase):
    record = models.ForeignKey(TierRecord, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=TierEventKind.choices)

    subject_field = "record"

    class Meta(EventBase.Meta):
        verbose_name = _("tier record event")


class TierAttachment(AttachmentBase):
    record = models.ForeignKey(TierRecord, on_delete=models.CASCADE, related_name="attachments")

    subject_field = "record"
    upload_folder = "cultivation/attachments"

    class Meta(AttachmentBase.Meta):
        verbose_name = _("tier record attachment")


class EnterpriseFigures(VersionedModel):
    """One year's figures of an enterprise for the self-check (money in yuan, stored as
    fen). Blank = not entered: the criteria that need it are "not judged"."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="cultivation_figures",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    staff = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    st_staff = models.PositiveIntegerField(_("S&T staff"), null=True, blank=True)
    rd_staff = models.PositiveIntegerField(_("R&D staff"), null=True, blank=True)
    total_revenue = MoneyField(_("total revenue (yuan)"), null=True, blank=True)
    main_revenue = MoneyField(_("main-business revenue (yuan)"), null=True, blank=True)
    sales_revenue = MoneyField(_("sales revenue (yuan)"), null=True, blank=True)
    total_assets = MoneyField(_("total assets (yuan)"), null=True, blank=True)
    total_cost = MoneyField(_("total costs and expenses (yuan)"), null=True, blank=True)
    rd_total = MoneyField(_("R&D spend (yuan)"), null=True, blank=True)
    rd_in_china = MoneyField(_("R&D spend in China (yuan)"), null=True, blank=True)
    hightech_revenue = MoneyField(
        _("high-tech product and service revenue (yuan)"), null=True, blank=True
    )
    equity_financing_2y = MoneyField(
        _("new equity financing, last 2 years (yuan)"), null=True, blank=True
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    niche_years = models.PositiveSmallIntegerField(
        _("years in the market niche"), null=True, blank=True
    )
    ip_class_1 = models.PositiveIntegerField(_("class I IP"), default=0)
    ip_class_2 = models.PositiveIntegerField(_("class II IP"), default=0)
    national_award = models.BooleanField(_("national S&T award in the last 5 years"), default=False)
    provincial_rd_centre = models.BooleanField(
        _("recognised provincial or national R&D centre"), default=False
    )
    led_standard = models.BooleanField(
        _("led an international, national or industry standard in the last 5 years"),
        default=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("enterprise figures")
        verbose_name_plural = _("enterprise figures")
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="cult_figures_once"),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100), name="cult_figures_year"
            ),
            models.CheckConstraint(
                condition=Q(st_staff__isnull=True)
                | Q(staff__isnull=True)
                | Q(st_staff__lte=F("staff")),
                name="cult_figures_st_within_staff",
            ),
            models.CheckConstraint(
                condition=Q(rd_in_china__isnull=True)
                | Q(rd_total__isnull=True)
                | Q(rd_in_china__lte=F("rd_total")),
                name="cult_figures_rd_china_within_total",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
                    name=f"cult_figures_{name}_not_negative",
                )
                for name in (
                    "total_revenue",
                    "main_revenue",
                    "sales_revenue",
                    "total_assets",
                    "total_cost",
                    "rd_total",
                    "rd_in_china",
                    "hightech_revenue",
                    "equity_financing_2y",
                )
            ],
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class FiguresEventKind(models.TextChoices):
    SAVED = "saved", _("Figures saved")


class FiguresEvent(EventBase):
    figures = models.ForeignKey(EnterpriseFigures, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=FiguresEventKind.choices)

    subject_field = "figures"

    class Meta(EventBase.Meta):
        verbose_name = _("figures event")
