"""Helpers for the booking tests: future weekdays of the sharing world's instrument
(open Monday–Friday 09:00–17:00, 30-minute steps) and a booking made through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from techbridge.sharing.models import Booking
from techbridge.sharing.selectors.bookings import local_midnight
from techbridge.sharing.services import bookings as services


def monday(weeks_ahead: int = 1) -> dt.date:
    """The Monday ``weeks_ahead`` weeks after this week's."""
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks_ahead)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock time of the site's time zone on ``day``."""
    return local_midnight(day) + dt.timedelta(hours=hour, minutes=minute)


def book(
    user: Any, resource: Any, day: dt.date, start: tuple[int, int], end: tuple[int, int], **kw: Any
) -> Booking:
    return services.booking_create(
        actor=user, resource=resource, starts_at=at(day, *start), ends_at=at(day, *end), **kw
    )
