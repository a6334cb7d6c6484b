"""People: brokers (技术经纪人), rapid-response stations (快速响应站), tech squads
(技术小分队) and the visit log from which demands are recorded for enterprises."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from techbridge.core.models import TimeStampedModel, VersionedModel


class BrokerProfile(VersionedModel):
    """A broker's professional record. The user has Role.BROKER; ``agency`` is the
    organisation or agency the broker works for (defaults to the user's organisation)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("broker"),
        on_delete=models.CASCADE,
        related_name="broker_profile",
    )
    agency = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation or agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="brokers",
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    # [{"course": "...", "date": "YYYY-MM-DD", "hours": 16}, ...]
    training_records = models.JSONField(_("training records"), default=list, blank=True)
    technical_fields = models.JSONField(_("technical fields"), default=list, blank=True)
    bio = models.TextField(_("profile"), blank=True)

    class Meta:
        verbose_name = _("broker profile")
        verbose_name_plural = _("broker profiles")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return str(self.user)


class Station(TimeStampedModel):
    """科技成果转移转化快速响应站: an organisation of kind station whose staff visit
    enterprises and record their demands."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="station",
    )
    name = models.CharField(_("name"), max_length=200)
    region_code = models.CharField(_("region (GB/T 2260)"), max_length=6, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="stations"
    )

    class Meta:
        verbose_name = _("rapid-response station")
        verbose_name_plural = _("rapid-response stations")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TechSquad(TimeStampedModel):
    """技术小分队: a team of a station that visits enterprises to dig out demands."""

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="squads"
    )
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="squads"
    )

    class Meta:
        verbose_name = _("tech squad")
        verbose_name_plural = _("tech squads")
        ordering = ["station", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="brk_squad_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class VisitLog(TimeStampedModel):
    """One visit to an enterprise by station staff (optionally as a tech squad)."""

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="visits"
    )
    squad = models.ForeignKey(
        TechSquad,
        verbose_name=_("tech squad"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )
    enterprise = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="visits_received",
    )
    visited_on = models.DateField(_("visit date"))
    participants = models.TextField(_("participants"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    demands = models.ManyToManyField(
        "catalogue.Demand", verbose_name=_("demands collected"), blank=True, related_name="visits"
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on}"
