"""Reads for bookings (预约): availability as free intervals, the week calendar, the price
shown before booking, late fees and which bookings a user sees. The time and interval
helpers live in ``bookings_time``, the free-resource search in ``bookings_search``; both
are re-exported here, the one module the views, the API and other parts import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.roles import Role
from techbridge.core.actors import is_active_user
from techbridge.core.money import from_fen, to_fen
from techbridge.sharing.access import is_resource_staff, manages
from techbridge.sharing.models import (
    WHOLE,
    AgreementStaff,
    Booking,
    BookingEvent,
    BookingEventKind,
    BookingStatus,
    Closure,
    OpeningHours,
    Qualification,
    Rate,
    RateClass,
    RateUnit,
    Resource,
    SharingAgreement,
)
from techbridge.sharing.selectors.agreements import (
    agreement_in_force,
    rate_class_for,
    rate_in_force,
)
from techbridge.sharing.selectors.bookings_search import FreeResource, free_resources
from techbridge.sharing.selectors.bookings_time import (
    HOLDING,
    LONGEST_BOOKING,
    MILLI,
    EpochMinutes,
    MinuteOfDay,
    Span,
    ceil_minutes,
    clip,
    from_minutes,
    hours_rows,
    local_midnight,
    merge,
    opening_spans,
    subtract,
    time_rows,
    to_minutes,
    tz,
)

__all__ = [
    "HOLDING",
    "LONGEST_BOOKING",
    "MILLI",
    "EpochMinutes",
    "FreeResource",
    "MinuteOfDay",
    "Span",
    "ceil_minutes",
    "clip",
    "free_resources",
    "from_minutes",
    "local_midnight",
    "merge",
    "opening_spans",
    "subtract",
    "to_minutes",
    "tz",
]

# --- availability -------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    start: dt.datetime
    end: dt.datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds()) // 60


def _intervals(spans: Iterable[Span]) -> list[Interval]:
    return [Interval(from_minutes(s), from_minutes(e)) for s, e in spans]


@dataclass(frozen=True)
class Availability:
    """A resource between ``start`` and ``end``: when it is open, closed for maintenance,
    held by bookings (no one's name: the busy times are public) and free to book."""

    resource: Resource
    start: dt.datetime
    end: dt.datetime
    opening: list[Interval]
    closed: list[Interval]
    busy: list[Interval]
    free: list[Interval]


def _closure_spans(resource_id: int, start: dt.datetime, end: dt.datetime) -> list[Span]:
    rows = time_rows(
        Closure.objects.filter(resource_id=resource_id, starts_at__lt=end, ends_at__gt=start)
    )
    return merge(rows)


def holding_bookings(resource_ids: Any, start: dt.datetime, end: dt.datetime) -> QuerySet[Booking]:
    """Bookings that hold any of the resources somewhere in [start, end)."""
    ids = [resource_ids] if isinstance(resource_ids, int) else resource_ids
    return Booking.objects.filter(
        resource_id__in=ids,
        status__in=HOLDING,
        starts_at__gt=start - LONGEST_BOOKING,
        starts_at__lt=end,
        ends_at__gt=start,
    )


def _busy_spans(resource_id: int, start: dt.datetime, end: dt.datetime) -> list[Span]:
    return merge(time_rows(holding_bookings(resource_id, start, end)))


def availability(
    resource: Resource, start: dt.datetime, end: dt.datetime, *, now: dt.datetime | None = None
) -> Availability:
    """Opening, closed, busy and free intervals of ``resource`` in [start, end). Free time
    begins no earlier than ``now`` (the past cannot be booked). Three indexed queries."""
    now = now or timezone.now()
    low, high = to_minutes(start), to_minutes(end)
    first = start.astimezone(tz()).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(tz()).date()
    hours = hours_rows(OpeningHours.objects.filter(resource=resource))
    opening = clip(opening_spans(hours, first, last), low, high)
    closed = clip(_closure_spans(resource.pk, start, end), low, high)
    busy = clip(_busy_spans(resource.pk, start, end), low, high)
    free = subtract(subtract(opening, closed), busy)
    free = clip(free, max(low, ceil_minutes(now)), high)
    return Availability(
        resource=resource,
        start=start,
        end=end,
        opening=_intervals(opening),
        closed=_intervals(closed),
        busy=_intervals(busy),
        free=_intervals(free),
    )


# --- the week calendar --------------------------------------------------------------------


def grid_step(resource: Resource) -> int:
    """Calendar rows: the booking step, or a multiple of it of at least 15 minutes."""
    step = max(resource.slot_minutes, 1)
    grid = step
    while grid < 15:
        grid += step
    return grid


@dataclass(frozen=True)
class Cell:
    start: dt.datetime
    end: dt.datetime
    state: str  # free, busy, mine, closed, past
    booking_id: int | None = None


@dataclass
class Day:
    date: dt.date
    cells: list[Cell] = field(default_factory=list)

    @property
    def has_open(self) -> bool:
        return any(c.state != "closed" for c in self.cells)


@dataclass
class Week:
    resource: Resource
    first: dt.date
    step: int
    times: list[dt.time]
    days: list[Day]

    @property
    def previous(self) -> dt.date:
        return self.first - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.first + dt.timedelta(days=7)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_calendar(
    resource: Resource, first: dt.date, *, user: Any = None, now: dt.datetime | None = None
) -> Week:
    """Seven days from Monday ``first`` in rows of ``grid_step`` minutes, each cell free,
    busy, closed or past — and ``mine`` where it is the user's own booking."""
    now = now or timezone.now()
    first = week_start(first)
    start = local_midnight(first)
    end = local_midnight(first + dt.timedelta(days=7))
    avail = availability(resource, start, end, now=now)
    step = grid_step(resource)
    opening = [(to_minutes(i.start), to_minutes(i.end)) for i in avail.opening]
    closed = [(to_minutes(i.start), to_minutes(i.end)) for i in avail.closed]
    busy = [(to_minutes(i.start), to_minutes(i.end)) for i in avail.busy]
    mine: list[tuple[int, int, int]] = []
    if is_active_user(user):
        mine = [
            (to_minutes(s), to_minutes(e), pk)
            for s, e, pk in holding_bookings(resource.pk, start, end)
            .filter(booked_by=user)
            .values_list("starts_at", "ends_at", "pk")
        ]
    # Rows from the earliest opening to the latest closing time of the week.
    minute_marks = [
        (s - to_minutes(local_midnight(from_minutes(s).date())), e - s) for s, e in opening
    ]
    if minute_marks:
        top = min(m for m, _len in minute_marks) // step * step
        bottom = max(m + length for m, length in minute_marks)
    else:
        top, bottom = 9 * 60, 17 * 60
    rows = list(range(top, bottom, step))
    now_min = to_minutes(now)
    days = []
    for offset in range(7):
        date = first + dt.timedelta(days=offset)
        base = to_minutes(local_midnight(date))
        day = Day(date=date)
        for row in rows:
            s, e = base + row, base + row + step
            day.cells.append(_cell(s, e, opening, closed, busy, mine, now_min))
        days.append(day)
    times = [dt.time(r // 60, r % 60) for r in rows]
    return Week(resource=resource, first=first, step=step, times=times, days=days)


def _covers(spans: Sequence[Span], s: int, e: int) -> bool:
    return any(a <= s and e <= b for a, b in spans)


def _touches(spans: Sequence[Span], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def _cell(
    s: int,
    e: int,
    opening: Sequence[Span],
    closed: Sequence[Span],
    busy: Sequence[Span],
    mine: Sequence[tuple[int, int, int]],
    now: int,
) -> Cell:
    start, end = from_minutes(s), from_minutes(e)
    for a, b, pk in mine:
        if a < e and s < b:
            return Cell(start, end, "mine", pk)
    if not _covers(opening, s, e) or _touches(closed, s, e):
        return Cell(start, end, "closed")
    if _touches(busy, s, e):
        return Cell(start, end, "busy")
    if s < now:
        return Cell(start, end, "past")
    return Cell(start, end, "free")


# --- the price before booking -------------------------------------------------------------


def _fen(amount: Any) -> int:
    """A MoneyField value (Decimal yuan at run time; the stubs see the integer column)."""
    return to_fen(Decimal(amount))


def booked_quantity_milli(unit: str, starts_at: dt.datetime, ends_at: dt.datetime) -> int | None:
    """The booked quantity in thousandths of the rate's unit: hours (half up to 1/1000),
    one day or one flat fee; None per sample (known only once samples are recorded)."""
    minutes = int((ends_at - starts_at).total_seconds()) // 60
    if unit == RateUnit.HOUR:
        return (minutes * MILLI * 2 + 60) // 120
    if unit == RateUnit.DAY:
        return -(-minutes // (24 * 60)) * MILLI
    if unit == RateUnit.FLAT:
        return MILLI
    return None


def fee_for(rate: Rate, quantity_milli: int | None) -> Decimal | None:
    """price × quantity in fen, rounded half up once, and never under the minimum charge;
    None when the quantity is not known yet."""
    if quantity_milli is None:
        return None
    fen = (_fen(rate.price) * quantity_milli * 2 + MILLI) // (2 * MILLI)
    return from_fen(max(fen, _fen(rate.minimum_charge)))


def late_fee(rate: Rate | None, quantity_milli: int | None) -> Decimal:
    """The rate's late-cancellation share of the booked fee (a no-show pays the same)."""
    if rate is None:
        return from_fen(0)
    base = fee_for(rate, quantity_milli)
    base_fen = _fen(rate.minimum_charge) if base is None else _fen(base)
    fen = (base_fen * rate.late_cancellation_bp * 2 + WHOLE) // (2 * WHOLE)
    return from_fen(fen)


def has_valid_qualification(user: Any, resource: Resource, day: dt.date) -> bool:
    if not is_active_user(user):
        return False
    return Qualification.objects.filter(
        resource=resource,
        user=user,
        valid_from__lte=day,
        valid_until__gte=day,
        revoked_at__isnull=True,
    ).exists()


@dataclass(frozen=True)
class Quote:
    """What a booking would cost and how it would run, shown before the user confirms."""

    rate_class: str
    rate: Rate | None
    quantity_milli: int | None
    amount: Decimal | None
    assisted: bool
    requires_approval: bool
    agreement: SharingAgreement | None
    free_cancellation_until: dt.datetime
    late_fee: Decimal

    @property
    def quantity(self) -> Decimal | None:
        if self.quantity_milli is None:
            return None
        return (Decimal(self.quantity_milli) / MILLI).normalize()

    @property
    def rate_class_label(self) -> str:
        return str(RateClass(self.rate_class).label) if self.rate_class else ""

    @property
    def quantity_label(self) -> str:
        """The booked quantity with its unit word (1.5 hours, 1 day), "" if not known."""
        if self.rate is None or self.quantity is None:
            return ""
        n = format(self.quantity, "f")
        if self.rate.unit == RateUnit.HOUR:
            return _("%(n)s h") % {"n": n}
        if self.rate.unit == RateUnit.DAY:
            return _("%(n)s day(s)") % {"n": n}
        return n

    @property
    def minimum_applies(self) -> bool:
        return bool(
            self.rate
            and self.amount is not None
            and self.rate.minimum_charge
            and self.amount == self.rate.minimum_charge
        )

    @property
    def late_cancellation_percent(self) -> str:
        bp = self.rate.late_cancellation_bp if self.rate else 0
        return f"{bp / 100:g}"


def quote(
    *,
    user: Any,
    resource: Resource,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    rate_class: str | None = None,
) -> Quote:
    """The rate in force on the booking's day for the user's organisation (or for
    ``rate_class``, a booking's own), the estimated fee (price × booked quantity), whether
    it is assisted and whether it needs approval."""
    day = starts_at.astimezone(tz()).date()
    organisation = getattr(user, "organisation", None)
    if rate_class is None:
        rate_class = rate_class_for(organisation, resource) if organisation else ""
    rate = rate_in_force(resource, rate_class, day) if rate_class else None
    quantity = booked_quantity_milli(rate.unit, starts_at, ends_at) if rate else None
    agreement = agreement_in_force(resource, day)
    qualified = has_valid_qualification(user, resource, day)
    return Quote(
        rate_class=rate_class,
        rate=rate,
        quantity_milli=quantity,
        amount=fee_for(rate, quantity) if rate else None,
        assisted=resource.requires_qualification and not qualified,
        # Without an agreement in force nobody has agreed to run it unattended: ask.
        requires_approval=agreement is None or agreement.requires_approval,
        agreement=agreement,
        free_cancellation_until=starts_at - dt.timedelta(hours=resource.free_cancellation_hours),
        late_fee=late_fee(rate, quantity),
    )


FEE_KINDS = (BookingEventKind.CANCELLED, BookingEventKind.NO_SHOW)


def with_fee_events(qs: QuerySet[Booking]) -> QuerySet[Booking]:
    """Bookings with the events that record fees fetched in one more query, so
    ``late_fee_for`` over a list does not query once per booking."""
    events = BookingEvent.objects.filter(kind__in=FEE_KINDS).order_by("-at", "-id")
    return qs.prefetch_related(Prefetch("events", queryset=events, to_attr="fee_events"))


def late_fee_for(booking: Booking) -> Decimal:
    """The late-cancellation or no-show fee recorded on the booking (0.00 if none): the
    orders part bills it. Read from the event that ended the booking."""
    prefetched = getattr(booking, "fee_events", None)
    if prefetched is not None:
        event = prefetched[0] if prefetched else None
    else:
        event = (
            BookingEvent.objects.filter(booking=booking, kind__in=FEE_KINDS)
            .order_by("-at", "-id")
            .first()
        )
    if event is None:
        return from_fen(0)
    return from_fen(int(event.data.get("fee_fen", 0)))


# --- who sees which bookings --------------------------------------------------------------


def _provider_condition(user: Any) -> Q:
    """Bookings of resources the user staffs, or their organisation owns or operates."""
    staffed = AgreementStaff.objects.filter(user=user)
    condition = Q(
        resource_id__in=staffed.filter(agreement__resource__isnull=False).values(
            "agreement__resource_id"
        )
    ) | Q(
        resource__owner_id__in=staffed.filter(agreement__resource__isnull=True).values(
            "agreement__owner_id"
        )
    )
    org = user.organisation_id
    if org is not None:
        operated = SharingAgreement.objects.filter(agency_id=org)
        condition |= (
            Q(resource__owner_id=org)
            | Q(resource_id__in=operated.filter(resource__isnull=False).values("resource_id"))
            | Q(resource__owner_id__in=operated.filter(resource__isnull=True).values("owner_id"))
        )
    return condition


def bookings_visible_to(user: Any) -> QuerySet[Booking]:
    """Bookings the user may open: their own and their organisation's (as customer), those
    of resources their organisation owns or operates, those of resources they staff;
    bureau staff see all; anyone else none."""
    if not is_active_user(user):
        return Booking.objects.none()
    if user.role == Role.BUREAU_STAFF:
        return Booking.objects.all()
    condition = Q(booked_by=user) | _provider_condition(user)
    if user.organisation_id is not None:
        condition |= Q(organisation_id=user.organisation_id)
    return Booking.objects.filter(condition)


def customer_bookings(user: Any) -> QuerySet[Booking]:
    """The user's own bookings, newest first."""
    if not is_active_user(user):
        return Booking.objects.none()
    return (
        Booking.objects.filter(booked_by=user)
        .select_related("resource", "organisation")
        .order_by("-starts_at", "-id")
    )


def provider_bookings(user: Any, status: str = "") -> QuerySet[Booking]:
    """The provider's queue: bookings of resources the user's organisation owns or
    operates, or the user staffs, by start time (optionally of one status)."""
    if not is_active_user(user):
        return Booking.objects.none()
    qs = Booking.objects.filter(_provider_condition(user))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("resource", "organisation", "booked_by").order_by("starts_at", "id")


def can_book(user: Any) -> bool:
    return bool(
        is_active_user(user)
        and user.organisation_id is not None
        and user.role in (Role.ENTERPRISE_MEMBER, Role.INSTITUTION_MEMBER)
    )


def can_decide(user: Any, booking: Booking) -> bool:
    """Approve or reject: a managing member of the owner, never for their own booking."""
    return (
        booking.status == BookingStatus.REQUESTED
        and manages(user, booking.resource)
        and booking.booked_by_id != user.pk
    )


def can_run(user: Any, booking: Booking) -> bool:
    """Mark no-show or completed: the resource's staff or a managing owner member."""
    day = booking.starts_at.astimezone(tz()).date()
    return manages(user, booking.resource) or is_resource_staff(user, booking.resource, day)


def can_cancel_as_customer(user: Any, booking: Booking) -> bool:
    return is_active_user(user) and (
        booking.booked_by_id == user.pk
        or (user.organisation_id is not None and user.organisation_id == booking.organisation_id)
    )
