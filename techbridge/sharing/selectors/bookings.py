"""Reads for bookings (预约): availability as free intervals, the week calendar, the price
shown before booking, late fees, which bookings a user sees, and the search for free
resources of a technical field.

Times are worked in whole minutes since the epoch (plain integers), which keeps the
interval arithmetic of the free-resource search cheap; opening hours are wall-clock times
of the site's time zone (settings.TIME_ZONE), turned into instants per day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    BigIntegerField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.roles import Role
from techbridge.core.actors import is_active_user
from techbridge.core.money import from_fen, to_fen
from techbridge.sharing.access import is_resource_staff, manages
from techbridge.sharing.models import (
    BOOKABLE_KINDS,
    HOLDING_STATUSES,
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

# A booking lies inside one opening period of one day (the service refuses anything
# else), so it starts less than a day before it ends: range queries bound starts_at from
# below too and stay inside the (resource, starts_at) index.
LONGEST_BOOKING = dt.timedelta(days=1)
HOLDING = [str(s) for s in HOLDING_STATUSES]
MILLI = 1000

Span = tuple[int, int]  # [start, end) in minutes since the epoch


def tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


def to_minutes(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // 60


def from_minutes(minutes: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(minutes * 60, tz=tz())


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz())


class EpochMinutes(Func):
    """A timestamp as whole minutes since the epoch, computed by the database: a week's
    bookings of a thousand resources then arrive as integers, with no datetime parsing."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(strftime('%%%%s', %(expressions)s) AS INTEGER) / 60)",
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="FLOOR(EXTRACT(EPOCH FROM %(expressions)s) / 60)::bigint"
        )


class MinuteOfDay(Func):
    """A wall-clock time (TimeField) as minutes after midnight."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(substr(%(expressions)s, 1, 2) AS INTEGER) * 60"
            " + CAST(substr(%(expressions)s, 4, 2) AS INTEGER))",
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(HOUR FROM %(expressions)s) * 60"
            " + EXTRACT(MINUTE FROM %(expressions)s))::integer",
        )


def _hours(qs: QuerySet[OpeningHours], *lead: str) -> Any:
    """(…lead, weekday, opens, closes) rows with the times as minutes after midnight."""
    return qs.order_by().values_list(*lead, "weekday", MinuteOfDay("opens"), MinuteOfDay("closes"))


def _times(qs: QuerySet[Any], *lead: str) -> Any:
    """(…lead, start, end) rows with the instants as epoch minutes."""
    return qs.order_by().values_list(*lead, EpochMinutes("starts_at"), EpochMinutes("ends_at"))


# --- interval arithmetic ------------------------------------------------------------------


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping spans covering the same minutes (touching spans joined)."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def subtract(spans: Sequence[Span], holes: Sequence[Span]) -> list[Span]:
    """``spans`` (sorted, non-overlapping) minus ``holes`` (sorted by start; they may
    overlap one another). The free-resource search runs this for every resource, hence
    the plain loops."""
    out: list[Span] = []
    n = len(holes)
    i = 0
    for start, end in spans:
        while i < n and holes[i][1] <= start:
            i += 1
        cursor = start
        j = i
        while j < n:
            hole_start, hole_end = holes[j]
            if hole_start >= end:
                break
            if hole_start > cursor:
                out.append((cursor, hole_start))
            if hole_end > cursor:
                cursor = hole_end
            j += 1
        if cursor < end:
            out.append((cursor, end))
    return out


def clip(spans: Iterable[Span], low: int, high: int) -> list[Span]:
    return [(max(s, low), min(e, high)) for s, e in spans if e > low and s < high]


def opening_spans(
    hours: Iterable[tuple[int, int, int]], first: dt.date, last: dt.date
) -> list[Span]:
    """Opening periods (weekday, opens, closes — minutes after midnight) as spans for
    each day first…last."""
    by_weekday: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for weekday, opens, closes in hours:
        by_weekday[weekday].append((opens, closes))
    spans: list[Span] = []
    day = first
    while day <= last:
        periods = by_weekday.get(day.weekday())
        if periods:
            base = to_minutes(local_midnight(day))
            spans.extend((base + o, base + c) for o, c in periods)
        day += dt.timedelta(days=1)
    return merge(spans)


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
    rows = _times(
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
    return merge(_times(holding_bookings(resource_id, start, end)))


def availability(
    resource: Resource, start: dt.datetime, end: dt.datetime, *, now: dt.datetime | None = None
) -> Availability:
    """Opening, closed, busy and free intervals of ``resource`` in [start, end). Free time
    begins no earlier than ``now`` (the past cannot be booked). Three indexed queries."""
    now = now or timezone.now()
    low, high = to_minutes(start), to_minutes(end)
    first = start.astimezone(tz()).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(tz()).date()
    hours = _hours(OpeningHours.objects.filter(resource=resource))
    opening = clip(opening_spans(hours, first, last), low, high)
    closed = clip(_closure_spans(resource.pk, start, end), low, high)
    busy = clip(_busy_spans(resource.pk, start, end), low, high)
    free = subtract(subtract(opening, closed), busy)
    free = clip(free, max(low, _ceil_minutes(now)), high)
    return Availability(
        resource=resource,
        start=start,
        end=end,
        opening=_intervals(opening),
        closed=_intervals(closed),
        busy=_intervals(busy),
        free=_intervals(free),
    )


def _ceil_minutes(moment: dt.datetime) -> int:
    seconds = moment.timestamp()
    return int(-(-seconds // 60))


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


def visible_resources(user: Any) -> QuerySet[Resource]:
    """Resources whose calendar the user may open: every active bookable one, and the
    inactive ones of the user's own organisation."""
    active = Q(active=True, kind__in=list(BOOKABLE_KINDS))
    org = getattr(user, "organisation_id", None) if is_active_user(user) else None
    if org is not None:
        return Resource.objects.filter(active | Q(owner_id=org))
    return Resource.objects.filter(active)


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


# --- free resources of a field ------------------------------------------------------------


@dataclass(frozen=True)
class FreeResource:
    resource_id: int
    name: str
    owner_name: str
    region_code: str
    free_minutes: int
    longest_free_minutes: int
    first_free_minute: int  # epoch minutes: made a datetime only when someone reads it

    @property
    def first_free(self) -> dt.datetime:
        return from_minutes(self.first_free_minute)

    @property
    def free_hours(self) -> Decimal:
        return (Decimal(self.free_minutes) / 60).quantize(Decimal("0.1"))

    @property
    def longest_free_hours(self) -> Decimal:
        return (Decimal(self.longest_free_minutes) / 60).quantize(Decimal("0.1"))


class _Joined(Aggregate):
    """The texts of a group joined with commas (GROUP_CONCAT / STRING_AGG)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra)


@dataclass(frozen=True)
class _Schedule:
    """One weekly schedule laid over the search window: its open spans, their total and
    the longest of them, and where the first one starts."""

    spans: list[Span]
    total: int
    longest: int
    first: int


class _Spaced(Func):
    """Columns joined with spaces into one text (all NOT NULL, so a plain ``||``, which
    both databases apply to numbers and times as well)."""

    arg_joiner = " || ' ' || "
    template = "(%(expressions)s)"
    output_field = TextField()


def _joined(qs: QuerySet[Any], *columns: Any) -> Subquery:
    """The rows of ``qs`` for the outer query's resource as one text: ``columns`` spaced,
    rows joined with commas (NULL when there are none)."""
    return Subquery(
        qs.filter(resource=OuterRef("pk"))
        .order_by()
        .values("resource")
        .annotate(text=_Joined(_Spaced(*columns)))
        .values("text")
    )


def _schedule(text: str, first: dt.date, last: dt.date, low: int, high: int) -> _Schedule:
    rows = []
    for part in text.split(","):
        weekday, opens, closes = part.split(" ")
        rows.append((int(weekday), _text_minutes(opens), _text_minutes(closes)))
    spans = clip(opening_spans(rows, first, last), low, high)
    lengths = [e - s for s, e in spans]
    return _Schedule(spans, sum(lengths), max(lengths, default=0), spans[0][0] if spans else 0)


def _text_minutes(text: str) -> int:
    """ "09:30:00" (a time as SQLite and PostgreSQL write it) → 570."""
    return int(text[:2]) * 60 + int(text[3:5])


def free_resources(
    technical_field: str,
    start: dt.datetime,
    end: dt.datetime,
    min_free_minutes: int = 60,
    *,
    now: dt.datetime | None = None,
    limit: int | None = None,
) -> list[FreeResource]:
    """Active bookable resources of ``technical_field`` with at least one free stretch of
    ``min_free_minutes`` in [start, end) (from now on), most free time first.

    Two queries whatever the number of resources: a row per resource of the field with its
    opening hours and its holding bookings in the window (in epoch minutes), each gathered
    into one text by a correlated subquery on an index — the rows, not the database, are
    what costs the time — and one for the (few) closures. Weekly schedules repeat, so each
    distinct one is laid over the window once; the interval arithmetic runs on integers."""
    now = now or timezone.now()
    low, high = max(to_minutes(start), _ceil_minutes(now)), to_minutes(end)
    if high <= low:
        return []
    first, last = from_minutes(low).date(), from_minutes(high - 1).date()
    window_start, window_end = from_minutes(low), from_minutes(high)
    times = (EpochMinutes("starts_at"), EpochMinutes("ends_at"))
    conditions = {
        "active": True,
        "kind__in": list(BOOKABLE_KINDS),
        "technical_field": technical_field,
    }
    # Closures are few: one plain query (a subquery per resource would scan them each time).
    closures: dict[int, list[Span]] = defaultdict(list)
    for rid, s, e in _times(
        Closure.objects.filter(
            starts_at__lt=window_end,
            ends_at__gt=window_start,
            **{f"resource__{k}": v for k, v in conditions.items()},
        ),
        "resource_id",
    ):
        closures[rid].append((s, e))
    held = Booking.objects.filter(
        status__in=HOLDING,
        starts_at__gt=window_start - LONGEST_BOOKING,
        starts_at__lt=window_end,
        ends_at__gt=window_start,
    )
    rows = (
        Resource.objects.filter(**conditions)
        .order_by()
        .annotate(
            hours=_joined(OpeningHours.objects.all(), "weekday", "opens", "closes"),
            held=_joined(held, *times),
        )
        .values_list("pk", "name", "owner__name", "region_code", "hours", "held")
    )
    cache: dict[str, _Schedule] = {}
    found: list[tuple[int, int, int, int]] = []  # free, longest, first free, resource
    names: dict[int, tuple[str, str, str]] = {}
    for rid, name, owner_name, region, hours, held_text in rows:
        if not hours:
            continue
        schedule = cache.get(hours)
        if schedule is None:  # a few distinct weekly schedules serve most resources
            schedule = cache[hours] = _schedule(hours, first, last, low, high)
        names[rid] = (name, owner_name, region)
        if not held_text and rid not in closures:
            if schedule.longest >= min_free_minutes:
                found.append((schedule.total, schedule.longest, schedule.first, rid))
            continue
        taken = closures.get(rid, [])
        if held_text:
            numbers = list(map(int, held_text.replace(" ", ",").split(",")))
            taken = taken + list(zip(numbers[::2], numbers[1::2], strict=True))
        taken.sort()
        # subtract() copes with overlapping holes (a closure over bookings) sorted by start.
        free = subtract(schedule.spans, taken)
        total = longest = 0
        for s, e in free:
            total += e - s
            longest = max(longest, e - s)
        if longest >= min_free_minutes:
            found.append((total, longest, free[0][0], rid))
    found.sort(key=lambda f: (-f[0], f[3]))
    if limit:
        found = found[:limit]
    return [
        FreeResource(
            resource_id=rid,
            name=names[rid][0],
            owner_name=names[rid][1],
            region_code=names[rid][2],
            free_minutes=free_minutes,
            longest_free_minutes=longest,
            first_free_minute=first_free,
        )
        for free_minutes, longest, first_free, rid in found
    ]
