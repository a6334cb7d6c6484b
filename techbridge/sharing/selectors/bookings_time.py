"""Time and interval helpers of the booking selectors: instants as whole minutes since
the epoch (plain integers, so interval arithmetic over thousands of resources stays
cheap), opening hours as wall-clock times of the site's time zone (settings.TIME_ZONE),
and the SQL that hands the database's timestamps and times over as such integers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import BigIntegerField, Func, IntegerField, QuerySet
from django.utils import timezone

from techbridge.sharing.models import HOLDING_STATUSES, OpeningHours

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


def hours_rows(qs: QuerySet[OpeningHours], *lead: str) -> Any:
    """(…lead, weekday, opens, closes) rows with the times as minutes after midnight."""
    return qs.order_by().values_list(*lead, "weekday", MinuteOfDay("opens"), MinuteOfDay("closes"))


def time_rows(qs: QuerySet[Any], *lead: str) -> Any:
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


def ceil_minutes(moment: dt.datetime) -> int:
    seconds = moment.timestamp()
    return int(-(-seconds // 60))
