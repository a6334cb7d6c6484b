"""Availability (opening hours, closures) and bookings (预约).

Two bookings that hold a resource never overlap: on PostgreSQL an exclusion constraint
over ``tstzrange(starts_at, ends_at)`` (migration 0002, btree_gist), on SQLite the booking
service's IMMEDIATE transaction, which no other writer can interleave with (ADR 0012).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techbridge.core.models import EventBase, VersionedModel
from techbridge.sharing.models.resources import RateClass, Resource


class OpeningHours(models.Model):
    """开放时间: one row per weekday and period (a resource may open twice a day)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday (0 = Monday)"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["resource", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="sharing_opening_weekday"),
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="sharing_opening_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.weekday} {self.opens:%H:%M}–{self.closes:%H:%M}"


class WeeklySchedule(models.Model):
    """A resource's opening hours as one text, "weekday opens closes" per period joined with
    commas ("0 09:00:00 12:00:00,0 13:00:00 17:00:00,…", weekday then opening time): what
    the free-instrument search reads in one join instead of a subquery per resource.

    Written only by the database: triggers on OpeningHours (migration 0003) keep it equal
    to the rows, however they are written (services, bulk loads, the admin); no code saves
    it, so no stale copy in memory can overwrite it. No row: the resource has never had
    opening hours."""

    resource = models.OneToOneField(
        Resource, on_delete=models.CASCADE, primary_key=True, related_name="weekly_schedule"
    )
    hours = models.TextField(_("opening hours (text)"), blank=True, editable=False)

    class Meta:
        verbose_name = _("weekly schedule")
        verbose_name_plural = _("weekly schedules")

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.hours}"


class Closure(models.Model):
    """维护停机 / 闭馆: a period the resource cannot be booked."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["resource", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="sharing_closure_ordered"
            )
        ]
        indexes = [models.Index(fields=["resource", "starts_at"], name="sharing_closure_res")]

    def __str__(self) -> str:
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{self.resource} {start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", pgettext_lazy("booking", "Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")


# Statuses that hold the time slot (the exclusion constraint's WHERE clause).
HOLDING_STATUSES = (
    BookingStatus.REQUESTED,
    BookingStatus.APPROVED,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
)


class Booking(VersionedModel):
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="sharing_bookings",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("customer organisation"),
        on_delete=models.PROTECT,
        related_name="sharing_bookings",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    rate_class = models.CharField(_("rate class"), max_length=24, choices=RateClass.choices)
    # Without a valid qualification the booking is run by the resource's staff (机时代操作).
    assisted = models.BooleanField(_("assisted (run by staff)"), default=False)
    purpose = models.CharField(_("purpose / service content"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="sharing_booking_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in BookingStatus]),
                name="sharing_booking_status_valid",
            ),
        ]
        indexes = [
            # Covering: a window's holding bookings of a resource (availability, the
            # free-resource search) are read from the index alone, on both databases.
            models.Index(
                fields=["resource", "starts_at", "ends_at", "status"],
                name="sharing_booking_res_start",
            ),
            models.Index(fields=["booked_by", "starts_at"], name="sharing_booking_user"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class BookingEventKind(models.TextChoices):
    REQUESTED = "requested", _("Booked")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", pgettext_lazy("booking", "Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("Marked as no-show")
    RESCHEDULED = "rescheduled", _("Rescheduled")


class BookingEvent(EventBase):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=BookingEventKind.choices)

    subject_field = "booking"

    class Meta(EventBase.Meta):
        verbose_name = _("booking event")


class CalendarFeed(models.Model):
    """A user's secret iCalendar feed address (日历订阅): calendar apps fetch it without a
    session, so the token in the URL is the credential. Only its SHA-256 digest is stored;
    a revoked feed answers 404 and a new one has a new token."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sharing_feeds"
    )
    digest = models.CharField(_("token digest (SHA-256)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="sharing_feed_one_live_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} feed {self.created_at:%Y-%m-%d}"
