"""iCalendar (.ics, RFC 5545) feeds of bookings: a resource's busy times (public, no
names, no purposes) and one user's own bookings (behind the secret feed token)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from icalendar import Calendar, Event

from techbridge.sharing.models import Booking, BookingStatus, Closure, Resource
from techbridge.sharing.selectors.bookings import holding_bookings

# What a feed covers: recent history for context, and the season ahead.
PAST = dt.timedelta(days=31)
AHEAD = dt.timedelta(days=186)
PRODID = "-//techbridge//sharing bookings//ZH"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def _event(
    uid: str, start: dt.datetime, end: dt.datetime, summary: str, stamp: dt.datetime
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@techbridge")
    event.add("dtstamp", stamp)
    # UTC instants: every calendar app reads them without a VTIMEZONE block.
    event.add("dtstart", start.astimezone(dt.UTC))
    event.add("dtend", end.astimezone(dt.UTC))
    event.add("summary", summary)
    return event


def resource_feed(resource: Resource, *, now: dt.datetime | None = None) -> bytes:
    """Busy and closed times of ``resource`` around now: "booked" and "closed" only."""
    now = now or timezone.now()
    start, end = now - PAST, now + AHEAD
    cal = _calendar(_("%(name)s — busy times") % {"name": resource.name})
    rows = holding_bookings(resource.pk, start, end).values_list("pk", "starts_at", "ends_at")
    for pk, s, e in rows.order_by("starts_at"):
        event = _event(f"booking-{pk}", s, e, pgettext("booking calendar", "Booked"), now)
        event.add("transp", "OPAQUE")
        event.add("class", "PUBLIC")
        cal.add_component(event)
    closures = Closure.objects.filter(resource=resource, starts_at__lt=end, ends_at__gt=start)
    for pk, s, e in closures.values_list("pk", "starts_at", "ends_at").order_by("starts_at"):
        cal.add_component(
            _event(f"closure-{pk}", s, e, pgettext("booking calendar", "Closed"), now)
        )
    return bytes(cal.to_ical())


_STATUS: dict[str, str] = {
    BookingStatus.REQUESTED: "TENTATIVE",
    BookingStatus.APPROVED: "CONFIRMED",
    BookingStatus.COMPLETED: "CONFIRMED",
    BookingStatus.NO_SHOW: "CONFIRMED",
    BookingStatus.REJECTED: "CANCELLED",
    BookingStatus.CANCELLED: "CANCELLED",
}


def user_feed(bookings: Iterable[Booking], *, title: str, now: dt.datetime | None = None) -> bytes:
    """The user's bookings (cancelled and rejected ones as CANCELLED, so a calendar app
    removes them), with the resource, its location and the status."""
    now = now or timezone.now()
    cal = _calendar(title)
    for booking in bookings:
        summary = f"{booking.resource.name} · {booking.get_status_display()}"
        event = _event(f"my-booking-{booking.pk}", booking.starts_at, booking.ends_at, summary, now)
        event.add("status", _STATUS.get(str(booking.status), "CONFIRMED"))
        if booking.resource.location:
            event.add("location", booking.resource.location)
        if booking.purpose:
            event.add("description", booking.purpose)
        event.add("sequence", booking.version)
        cal.add_component(event)
    return bytes(cal.to_ical())


def user_feed_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    now = now or timezone.now()
    return now - PAST, now + AHEAD
