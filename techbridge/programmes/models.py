"""Cooperation programmes (合作站 / 服务平台 / 合作区) and their yearly targets (年度目标).

A programme joins a home region (the developing region its demands come from, e.g. 贵阳市)
with one or more partner regions (where the resources it brings in are, e.g. 北京市). Records
of other apps are *attributed* to a programme (``programmes.attribution``): by an explicit
``ProgrammeLink`` if there is one, otherwise by the region of their local side falling inside
the programme's home region. Home regions of two programmes never overlap (the services
refuse it), so region attribution is never ambiguous.

Other apps (chronicle, cultivation) keep foreign keys to ``Programme``: keep the name stable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techbridge.core.models import EventBase, TimeStampedModel, VersionedModel

#: A GB/T 2260 prefix: a province (2 digits), a city (4) or a county-level division (6).
REGION_PREFIX_REGEX = r"^[0-9]{2}([0-9]{2}){0,2}$"


class ProgrammeKind(models.TextChoices):
    STATION = "station", _("Cooperation station")
    PLATFORM = "platform", _("Service platform")
    CORRIDOR = "corridor", _("Cooperation zone / corridor")


class Programme(VersionedModel):
    name = models.CharField(_("programme name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ProgrammeKind.choices, default=ProgrammeKind.STATION
    )
    description = models.TextField(_("description"), blank=True)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    # The programme a single-programme install runs; the migration creates it from the
    # MATCH_PARTNER_REGION_PREFIXES setting. At most one.
    is_default = models.BooleanField(_("default programme"), default=False)
    active = models.BooleanField(_("active"), default=True)
    stations = models.ManyToManyField(
        "brokerage.Station", verbose_name=_("stations"), blank=True, related_name="programmes"
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("programme staff"),
        blank=True,
        related_name="programmes",
    )

    class Meta:
        verbose_name = _("cooperation programme")
        verbose_name_plural = _("cooperation programmes")
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="prog_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.pk])


class RegionRole(models.TextChoices):
    HOME = "home", _("Home region")
    PARTNER = "partner", _("Partner region")


class ProgrammeRegion(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="regions")
    role = models.CharField(_("role"), max_length=8, choices=RegionRole.choices)
    region_code = models.CharField(_("region (GB/T 2260 prefix)"), max_length=6)

    class Meta:
        verbose_name = _("programme region")
        verbose_name_plural = _("programme regions")
        ordering = ["programme", "role", "region_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "role", "region_code"], name="prog_region_unique"
            ),
            models.CheckConstraint(
                condition=Q(region_code__regex=REGION_PREFIX_REGEX), name="prog_region_prefix"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in RegionRole]), name="prog_region_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}:{self.region_code}"


class LinkKind(models.TextChoices):
    """The kinds of record a programme can be credited with (programmes.attribution)."""

    DEMAND = "demand", _("Demand")
    EVENT = "event", _("Matchmaking meeting")
    DEAL = "deal", _("Deal")
    CONTRACT = "contract", _("Technology contract")
    PROJECT = "project", _("Signed project")
    ORDER = "order", _("Sharing order")
    PROBLEM = "problem", _("Problem report")


class ProgrammeLink(TimeStampedModel):
    """An explicit attribution of one record to a programme; it overrides the region rule.
    One programme per record."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=12, choices=LinkKind.choices)
    object_id = models.PositiveBigIntegerField(_("record id"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("programme link")
        verbose_name_plural = _("programme links")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="prog_link_one_programme"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in LinkKind]), name="prog_link_kind"
            ),
        ]
        indexes = [models.Index(fields=["programme", "kind"], name="prog_link_prog_kind")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}→{self.programme_id}"


class Target(VersionedModel):
    """A yearly target (年度目标) of one measurable figure (``programmes.metrics``).
    ``channel`` narrows the demands metric to one collection channel (blank: all)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    metric = models.CharField(_("figure"), max_length=32)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    # A count, or an amount in fen for amount figures.
    value = models.PositiveBigIntegerField(_("target"))
    note = models.CharField(_("source of the target"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        ordering = ["programme", "-year", "metric", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "metric", "channel"], name="prog_target_unique"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="prog_target_year"
            ),
        ]

    def __str__(self) -> str:
        # Shown in the audit trail: in words, never the figure's internal key.
        from techbridge.programmes.metrics import METRICS

        metric = METRICS.get(self.metric)
        label = str(metric.label) if metric else self.metric
        return f"{self.programme} · {self.year} · {label}"


class ProgrammeEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    LINKED = "linked", _("Record attributed")
    UNLINKED = "unlinked", _("Attribution removed")
    TARGET_SET = "target_set", _("Target set")


class ProgrammeEvent(EventBase):
    subject_field = "programme"
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=ProgrammeEventKind.choices)

    class Meta(EventBase.Meta):
        verbose_name = _("programme event")
        verbose_name_plural = _("programme events")
