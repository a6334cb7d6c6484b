"""The search "free instruments of field X next week" (找空闲仪器): which open bookable
resources of a technical field have a long enough free stretch in a window."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
)
from django.utils import timezone

from techbridge.sharing.models import BOOKABLE_KINDS, Booking, Closure, Resource
from techbridge.sharing.selectors.bookings_time import (
    HOLDING,
    LONGEST_BOOKING,
    EpochMinutes,
    Span,
    ceil_minutes,
    clip,
    from_minutes,
    opening_spans,
    subtract,
    time_rows,
    to_minutes,
)


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
    opening hours (the text the database keeps in WeeklySchedule, one join) and its holding
    bookings in the window (in epoch minutes, gathered into one text by a correlated
    subquery on an index), and one for the (few) closures. Weekly schedules repeat, so each
    distinct one is laid over the window once; the interval arithmetic runs on integers."""
    now = now or timezone.now()
    low, high = max(to_minutes(start), ceil_minutes(now)), to_minutes(end)
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
    for rid, s, e in time_rows(
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
            held=_joined(held, *times),
        )
        .values_list("pk", "name", "owner__name", "region_code", "weekly_schedule__hours", "held")
    )
    cache: dict[str, _Schedule] = {}
    # (−free minutes, resource, longest, first free, name, owner, region): sorted as plain
    # tuples, most free time first, then by id.
    found: list[tuple[int, int, int, int, str, str, str]] = []
    for rid, name, owner_name, region, hours, held_text in rows:
        if not hours:
            continue
        schedule = cache.get(hours)
        if schedule is None:  # a few distinct weekly schedules serve most resources
            schedule = cache[hours] = _schedule(hours, first, last, low, high)
        if not held_text and rid not in closures:
            if schedule.longest >= min_free_minutes:
                found.append(
                    (
                        -schedule.total,
                        rid,
                        schedule.longest,
                        schedule.first,
                        name,
                        owner_name,
                        region,
                    )
                )
            continue
        taken = closures.get(rid, [])
        if held_text:
            numbers = list(map(int, held_text.replace(" ", ",").split(",")))
            taken = taken + list(zip(numbers[::2], numbers[1::2], strict=True))
        taken.sort()
        # subtract() copes with overlapping holes (a closure over bookings) sorted by start.
        free = subtract(schedule.spans, taken)
        if not free:
            continue
        lengths = [e - s for s, e in free]
        longest = max(lengths)
        if longest >= min_free_minutes:
            found.append((-sum(lengths), rid, longest, free[0][0], name, owner_name, region))
    found.sort()
    if limit:
        found = found[:limit]
    return [
        FreeResource(
            resource_id=rid,
            name=name,
            owner_name=owner_name,
            region_code=region,
            free_minutes=-negative_free,
            longest_free_minutes=longest,
            first_free_minute=first_free,
        )
        for negative_free, rid, longest, first_free, name, owner_name, region in found
    ]
