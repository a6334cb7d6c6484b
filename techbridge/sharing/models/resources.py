"""Shared resources, sharing agreements (所有权与经营权分离) and rates (收费标准).

A ``Resource`` is the sharing side of one catalogue record (an instrument, a lab, a
technical service or a data resource): one row per record, so bookings, rates and orders
point at one table whatever the catalogue kind is, and the database can forbid two
overlapping bookings of one resource with a single constraint.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from techbridge.codes.choices import TechField
from techbridge.core.models import EventBase, VersionedModel
from techbridge.core.money import MoneyField

# Basis points: 10,000 = 100 %. Ratios are integers so "60/25/15" is exact and the check
# "parts add up to 100 %" is an integer equality the database can enforce.
WHOLE = 10_000


class ResourceKind(models.TextChoices):
    INSTRUMENT = "instrument", _("Instrument")
    LAB = "lab", _("Laboratory / platform")
    SERVICE = "service", _("Technical service")
    DATA = "data", _("Data resource")


# Catalogue kind (catalogue.kinds KIND) → sharing resource kind.
CATALOGUE_KINDS = {
    "instrument": ResourceKind.INSTRUMENT,
    "lab": ResourceKind.LAB,
    "service": ResourceKind.SERVICE,
    "data": ResourceKind.DATA,
}
BOOKABLE_KINDS = frozenset({ResourceKind.INSTRUMENT, ResourceKind.LAB})


class Resource(VersionedModel):
    """共享资源: the catalogue record as the sharing service operates it."""

    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    catalogue_kind = models.CharField(_("catalogue kind"), max_length=16)
    catalogue_id = models.PositiveBigIntegerField(_("catalogue record"))
    # Copied from the catalogue record when the resource is registered (and refreshed by
    # the service), so availability searches need no join into four catalogue tables.
    name = models.CharField(_("name"), max_length=300)
    # catalogue.TechField codes ("electronic_information" is 22 characters).
    technical_field = models.CharField(
        _("technical field"), max_length=32, choices=TechField.choices, blank=True
    )
    region_code = models.CharField(_("region (GB/T 2260)"), max_length=6, blank=True)
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("owner (resource side)"),
        on_delete=models.PROTECT,
        related_name="shared_resources",
    )
    active = models.BooleanField(_("open for sharing"), default=True)
    requires_qualification = models.BooleanField(
        _("users need a valid qualification (else assisted use)"), default=True
    )
    free_cancellation_hours = models.PositiveIntegerField(
        _("free cancellation until hours before start"), default=24
    )
    # The smallest bookable step and the longest booking, in minutes.
    slot_minutes = models.PositiveIntegerField(_("booking step (minutes)"), default=30)
    max_booking_minutes = models.PositiveIntegerField(
        _("longest booking (minutes)"), default=8 * 60
    )
    location = models.CharField(_("location"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("shared resource")
        verbose_name_plural = _("shared resources")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue_kind", "catalogue_id"], name="sharing_resource_one_per_record"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ResourceKind]),
                name="sharing_resource_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=1) & Q(max_booking_minutes__gte=F("slot_minutes")),
                name="sharing_resource_slots_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["active", "kind", "technical_field"], name="sharing_res_field"),
            models.Index(fields=["owner", "active"], name="sharing_res_owner"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def bookable(self) -> bool:
        return self.kind in BOOKABLE_KINDS

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sharing:resource", kwargs={"pk": self.pk})


class SharingAgreement(VersionedModel):
    """共享协议: who operates a resource (or all resources of an owner) and how its income
    is split. Agreements are never edited in place once in force: a new ratio is a new
    agreement with a later ``valid_from``, so an order is split by the agreement in force
    on its service date and history is kept."""

    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        help_text=_("Leave empty for an agreement covering all resources of the owner."),
    )
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("owner (resource side)"),
        on_delete=models.PROTECT,
        related_name="sharing_agreements_as_owner",
    )
    agency = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("operating agency"),
        on_delete=models.PROTECT,
        related_name="sharing_agreements_as_agency",
    )
    owner_share_bp = models.PositiveIntegerField(_("owner share (basis points)"))
    staff_share_bp = models.PositiveIntegerField(_("service staff share (basis points)"))
    agency_share_bp = models.PositiveIntegerField(_("agency share (basis points)"))
    requires_approval = models.BooleanField(_("bookings need the owner's approval"), default=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="AgreementStaff",
        related_name="sharing_agreements",
        verbose_name=_("service staff"),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sharing agreement")
        verbose_name_plural = _("sharing agreements")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_share_bp__lte=WHOLE)
                & Q(staff_share_bp__lte=WHOLE)
                & Q(agency_share_bp__lte=WHOLE)
                & Q(
                    owner_share_bp=WHOLE - F("staff_share_bp") - F("agency_share_bp"),
                ),
                name="sharing_agreement_shares_add_up",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="sharing_agreement_dates_ordered",
            ),
            # One agreement per resource (or per owner-wide scope) starts on a given day.
            models.UniqueConstraint(
                fields=["resource", "valid_from"],
                condition=Q(resource__isnull=False),
                name="sharing_agreement_one_start_per_resource",
            ),
            models.UniqueConstraint(
                fields=["owner", "valid_from"],
                condition=Q(resource__isnull=True),
                name="sharing_agreement_one_start_per_owner",
            ),
        ]
        indexes = [models.Index(fields=["owner", "valid_from"], name="sharing_agr_owner")]

    def __str__(self) -> str:
        return f"{self.owner} → {self.agency} ({self.ratio_label})"

    @property
    def ratio_label(self) -> str:
        def pct(bp: int) -> str:
            return f"{bp / 100:g}"

        return f"{pct(self.owner_share_bp)}/{pct(self.staff_share_bp)}/{pct(self.agency_share_bp)}"

    @property
    def owner_percent(self) -> str:
        return f"{self.owner_share_bp / 100:g}"

    @property
    def staff_percent(self) -> str:
        return f"{self.staff_share_bp / 100:g}"

    @property
    def agency_percent(self) -> str:
        return f"{self.agency_share_bp / 100:g}"


class AgreementStaff(models.Model):
    """A service staff member (服务人员) who runs resources under an agreement."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("agreement staff member")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "user"], name="sharing_agreement_staff_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id}:{self.user_id}"


class RateClass(models.TextChoices):
    INTERNAL = "internal", _("Internal (owner's own)")
    ACADEMIC = "academic", _("Academic")
    ENTERPRISE = "enterprise", _("Enterprise")
    PARTNER_ENTERPRISE = "partner_enterprise", _("Enterprise of the partner region")


class RateUnit(models.TextChoices):
    HOUR = "hour", _("per hour")
    SAMPLE = "sample", _("per sample")
    DAY = "day", _("per day")
    FLAT = "flat", _("flat fee")


class BilledOn(models.TextChoices):
    BOOKED = "booked", _("Booked time")
    USED = "used", _("Time actually used")
    GREATER = "greater", _("The greater of booked and used time")


class Rate(models.Model):
    """收费标准: the price of a resource for one rate class from a date on. The price an
    order gets is the rate in force on its service date."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="rates"
    )
    rate_class = models.CharField(_("rate class"), max_length=24, choices=RateClass.choices)
    unit = models.CharField(_("unit"), max_length=8, choices=RateUnit.choices)
    price = MoneyField(_("price per unit (yuan)"))
    minimum_charge = MoneyField(_("minimum charge (yuan)"), default=0)
    billed_on = models.CharField(
        _("billed on"), max_length=8, choices=BilledOn.choices, default=BilledOn.USED
    )
    # Share of the booked price charged for a cancellation inside the free period, in basis
    # points (10,000 = the full price); a no-show is charged the same.
    late_cancellation_bp = models.PositiveIntegerField(
        _("late cancellation fee (basis points of the price)"), default=5_000
    )
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["resource", "rate_class", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "rate_class", "effective_from"],
                name="sharing_rate_one_start_per_class",
            ),
            models.CheckConstraint(
                condition=Q(rate_class__in=[c.value for c in RateClass]),
                name="sharing_rate_class_valid",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=[u.value for u in RateUnit]), name="sharing_rate_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0) & Q(minimum_charge__gte=0),
                name="sharing_rate_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(late_cancellation_bp__lte=WHOLE),
                name="sharing_rate_cancellation_share_valid",
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=F("effective_from")),
                name="sharing_rate_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} · {self.get_rate_class_display()}"

    @property
    def late_cancellation_percent(self) -> str:
        return f"{self.late_cancellation_bp / 100:g}"


class Qualification(models.Model):
    """培训/资质记录: a user may operate a resource alone while this is valid."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="qualifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sharing_qualifications"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    note = models.CharField(_("training / certificate"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="sharing_qualification_dates_ordered",
            )
        ]
        indexes = [models.Index(fields=["resource", "user"], name="sharing_qual_res_user")]

    def __str__(self) -> str:
        return f"{self.resource} · {self.user}"

    def valid_on(self, day: dt.date) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until


class ResourceEventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered for sharing")
    UPDATED = "updated", _("Settings changed")
    REFRESHED = "refreshed", _("Copied again from the catalogue")
    RATE_ADDED = "rate_added", _("Rate added")
    RATE_ENDED = "rate_ended", _("Rate ended")
    QUALIFIED = "qualified", _("Qualification granted")
    DISQUALIFIED = "disqualified", _("Qualification revoked")


class ResourceEvent(EventBase):
    """History of a resource: registration, settings, rates and qualifications."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=ResourceEventKind.choices)

    subject_field = "resource"

    class Meta(EventBase.Meta):
        verbose_name = _("resource event")


class AgreementEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Changed")
    STAFF = "staff", _("Service staff changed")
    ENDED = "ended", _("Ended")
    SUPERSEDED = "superseded", _("Ended by a new agreement")


class AgreementEvent(EventBase):
    """History of a sharing agreement (a new ratio is a new agreement; this records the
    creation, the end date set by its successor and the staff list)."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=AgreementEventKind.choices)

    subject_field = "agreement"

    class Meta(EventBase.Meta):
        verbose_name = _("agreement event")
