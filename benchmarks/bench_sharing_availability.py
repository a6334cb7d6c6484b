"""Sharing benchmark: availability of one instrument for a month, and the search "free
instruments of field X next week" over 10,000 instruments with 1,000,000 past bookings.

    .venv/bin/python benchmarks/bench_sharing_availability.py                  # SQLite
    .venv/bin/python benchmarks/bench_sharing_availability.py --resources 2000 --per 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_sharing_availability.py             # PostgreSQL

It works in a database of its own: a temporary data directory with a new SQLite file, or a
new PostgreSQL database ``tb_bench_sharing_<pid>`` next to the one DATABASE_URL names
(dropped at the end). It never touches var/.

The world: 200 owner institutions; N resources (90 % instruments, 10 % labs) spread over
the 11 technical fields, open Monday–Friday 09:00–17:00 (a third with a lunch break, a
fifth also Saturday morning); ``per`` past one-hour bookings each over the last 300 days
(completed, some cancelled or no-shows), a few next-week bookings per resource (some
resources fully booked) and closures on 2 % of them.

Figures, each next to a baseline measured in the same run (target p95 ≤ 50 ms):
- availability: ``selectors.bookings.availability`` for a random resource and a random
  30-day window (past or coming), against the naive read: every booking of the resource
  loaded as objects and filtered in Python;
- search: ``selectors.bookings.free_resources(field, next Monday, +7 days, 60, limit=100)``
  (the best 100, as the page and the API ask) for each field in turn, against the naive
  search: per resource of the field, all its bookings
  loaded and intersected with the week in Python (N+1 queries).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import scratch  # benchmarks/scratch.py: a database of the benchmark's own

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIELDS = [
    "electronic_information", "aerospace", "advanced_manufacturing", "biomedicine",
    "new_materials", "new_energy", "environment", "nuclear", "agriculture",
    "modern_transport", "urban_social",
]  # fmt: skip
REGIONS = ["110108", "110105", "310104", "440300", "520100", "320100", "330100"]


def setup_database() -> tuple[str, str | None]:
    return scratch.setup_database("sharing")


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


CPU: list[float] = []  # this process's CPU time per measured call (ms), last series


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    CPU.append((time.process_time() - cpu) * 1000)
    return (time.perf_counter() - started) * 1000, result


def _line(label: str, wall: list[float], cpu: list[float], note: str = "") -> None:
    print(
        f"  {label:<9} p95 {_p95(wall):8.1f} ms   median {statistics.median(wall):7.1f} ms"
        f"   (this process's CPU: p95 {_p95(cpu):6.1f}, median {statistics.median(cpu):6.1f})"
        f"{note}"
    )


def build_world(resources: int, per: int, seed: int = 5) -> dict[str, Any]:
    """Bulk-create the world; returns what the measurements need."""
    from django.utils import timezone

    from techbridge.accounts.models import User
    from techbridge.accounts.roles import Role
    from techbridge.organisations.models import Organisation
    from techbridge.sharing.models import Closure, OpeningHours, Resource
    from techbridge.sharing.selectors.bookings import local_midnight

    rng = random.Random(seed)
    started = time.perf_counter()
    owners = Organisation.objects.bulk_create(
        Organisation(name=f"研究院 {i}", kind="research_institute", status="verified",
                     region_code=rng.choice(REGIONS))
        for i in range(200)
    )  # fmt: skip
    customer = Organisation.objects.create(
        name="贵阳某企业", kind="enterprise", status="verified", region_code="520100"
    )
    user = User.objects.create(username="bench", role=Role.ENTERPRISE_MEMBER, organisation=customer)
    rows = [
        Resource(
            kind="instrument" if i % 10 else "lab",
            catalogue_kind="instrument" if i % 10 else "lab",
            catalogue_id=i + 1,
            name=f"仪器 {i:05d}",
            technical_field=FIELDS[i % len(FIELDS)],
            region_code=rng.choice(REGIONS),
            owner=rng.choice(owners),
        )
        for i in range(resources)
    ]
    Resource.objects.bulk_create(rows, batch_size=2000)
    ids = list(Resource.objects.order_by("pk").values_list("pk", flat=True))
    hours = []
    for n, rid in enumerate(ids):
        for weekday in range(5):
            if n % 3 == 0:  # a lunch break
                hours.append(OpeningHours(resource_id=rid, weekday=weekday,
                                          opens=dt.time(9), closes=dt.time(12)))  # fmt: skip
                hours.append(OpeningHours(resource_id=rid, weekday=weekday,
                                          opens=dt.time(13), closes=dt.time(17)))  # fmt: skip
            else:
                hours.append(OpeningHours(resource_id=rid, weekday=weekday,
                                          opens=dt.time(9), closes=dt.time(17)))  # fmt: skip
        if n % 5 == 0:
            hours.append(OpeningHours(resource_id=rid, weekday=5,
                                      opens=dt.time(9), closes=dt.time(12)))  # fmt: skip
    OpeningHours.objects.bulk_create(hours, batch_size=5000)
    print(f"  {len(ids):,} resources, {len(hours):,} opening periods "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1)
    # Past bookings: ``per`` distinct one-hour slots among the weekday hours of 300 days.
    past_days = [
        today - dt.timedelta(days=d) for d in range(1, 301)
        if (today - dt.timedelta(days=d)).weekday() < 5
    ]  # fmt: skip
    midnights = {d: local_midnight(d) for d in past_days}
    slots = len(past_days) * 8
    statuses = ["completed"] * 17 + ["cancelled", "no_show", "rejected"]
    started = time.perf_counter()
    writer = _BookingWriter(user.pk, customer.pk)
    for rid in ids:
        for k in rng.sample(range(slots), min(per, slots)):
            day, hour = past_days[k // 8], 9 + k % 8
            writer.add(rid, midnights[day] + dt.timedelta(hours=hour), rng.choice(statuses))
    # Next week: 0–8 one-hour bookings per resource; every 25th resource fully booked.
    week = [local_midnight(monday + dt.timedelta(days=d)) for d in range(5)]
    for n, rid in enumerate(ids):
        picks = range(40) if n % 25 == 0 else rng.sample(range(40), rng.randint(0, 8))
        for k in picks:
            writer.add(rid, week[k // 8] + dt.timedelta(hours=9 + k % 8), "approved")
    total = writer.flush()
    closures = [
        Closure(resource_id=rid, starts_at=local_midnight(monday + dt.timedelta(days=1)),
                ends_at=local_midnight(monday + dt.timedelta(days=3)), reason="年度保养")
        for rid in ids[::50]
    ]  # fmt: skip
    Closure.objects.bulk_create(closures)
    elapsed = time.perf_counter() - started
    print(f"  {total:,} bookings, {len(closures)} closures in {elapsed:.1f} s "
          f"({total / elapsed:,.0f} rows/s)")  # fmt: skip
    return {"ids": ids, "monday": monday, "today": today}


class _BookingWriter:
    """Bulk insert of one-hour bookings as plain rows, 50,000 per transaction (``COPY`` on
    PostgreSQL, ``executemany`` on SQLite): model instances and bulk_create for a million
    rows would take most of the run. Values go through the backend's own adapters, as the
    ORM's would; the database checks its constraints (the exclusion constraint included)."""

    COLUMNS = (
        "created_at", "updated_at", "version", "resource_id", "booked_by_id",
        "organisation_id", "starts_at", "ends_at", "status", "rate_class", "assisted",
        "purpose", "cancellation_reason",
    )  # fmt: skip

    def __init__(self, user_id: int, organisation_id: int) -> None:
        from django.db import connection
        from django.utils import timezone

        self.connection = connection
        self.adapt = connection.ops.adapt_datetimefield_value
        self.now = self.adapt(timezone.now())
        self.user_id, self.organisation_id = user_id, organisation_id
        self.rows: list[tuple[Any, ...]] = []
        self.total = 0
        marks = ", ".join(["%s"] * len(self.COLUMNS))
        columns = ", ".join(self.COLUMNS)  # constants above, not input
        self.sql = f"INSERT INTO sharing_booking ({columns}) VALUES ({marks})"  # noqa: S608

    def add(self, resource_id: int, start: dt.datetime, status: str) -> None:
        self.rows.append((
            self.now, self.now, 1, resource_id, self.user_id, self.organisation_id,
            self.adapt(start), self.adapt(start + dt.timedelta(hours=1)), status,
            "partner_enterprise", False, "", "",
        ))  # fmt: skip
        if len(self.rows) >= 50_000:
            self.flush()

    def flush(self) -> int:
        from django.db import transaction

        if self.rows:
            with transaction.atomic(), self.connection.cursor() as cursor:
                if self.connection.vendor == "postgresql":  # COPY: ten times executemany
                    columns = ", ".join(self.COLUMNS)
                    with cursor.cursor.copy(f"COPY sharing_booking ({columns}) FROM STDIN") as copy:
                        for row in self.rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(self.sql, self.rows)
            self.total += len(self.rows)
            self.rows = []
        return self.total


def naive_availability(resource: Any, start: dt.datetime, end: dt.datetime) -> list[Any]:
    """What a first version would write: all bookings as objects, filtered in Python."""
    from techbridge.sharing.models import HOLDING_STATUSES
    from techbridge.sharing.selectors import bookings as sel

    holding = {str(s) for s in HOLDING_STATUSES}
    busy = [
        (sel.to_minutes(b.starts_at), sel.to_minutes(b.ends_at))
        for b in resource.bookings.all()
        if b.status in holding and b.starts_at < end and b.ends_at > start
    ]
    closed = [
        (sel.to_minutes(c.starts_at), sel.to_minutes(c.ends_at))
        for c in resource.closures.all()
        if c.starts_at < end and c.ends_at > start
    ]
    hours = [
        (h.weekday, h.opens.hour * 60 + h.opens.minute, h.closes.hour * 60 + h.closes.minute)
        for h in resource.opening_hours.all()
    ]
    first = start.astimezone(sel.tz()).date()
    last = (end - dt.timedelta(seconds=1)).astimezone(sel.tz()).date()
    opening = sel.clip(sel.opening_spans(hours, first, last), sel.to_minutes(start),
                       sel.to_minutes(end))  # fmt: skip
    return sel.subtract(sel.subtract(opening, sel.merge(closed)), sel.merge(busy))


def naive_search(field: str, start: dt.datetime, end: dt.datetime, minimum: int) -> list[int]:
    from techbridge.sharing.models import Resource

    found = []
    for resource in Resource.objects.filter(active=True, technical_field=field):
        free = naive_availability(resource, start, end)
        if free and max(e - s for s, e in free) >= minimum:
            found.append(resource.pk)
    return found


def bench(world: dict[str, Any], samples: int, baseline_samples: int) -> None:
    from techbridge.sharing.models import Resource
    from techbridge.sharing.selectors import bookings as sel

    rng = random.Random(17)
    ids, monday, today = world["ids"], world["monday"], world["today"]
    fast, slow, fast_cpu, slow_cpu = [], [], [], []
    for i in range(samples):
        resource = Resource.objects.get(pk=rng.choice(ids))
        first = today - dt.timedelta(days=rng.randint(-20, 290))
        start = sel.local_midnight(first)
        end = sel.local_midnight(first + dt.timedelta(days=30))
        ms, avail = _timed(lambda r=resource, s=start, e=end: sel.availability(r, s, e, now=s))
        fast.append(ms)
        fast_cpu.append(CPU[-1])
        if i < baseline_samples:
            ms, naive = _timed(lambda r=resource, s=start, e=end: naive_availability(r, s, e))
            slow.append(ms)
            slow_cpu.append(CPU[-1])
            assert [(sel.to_minutes(f.start), sel.to_minutes(f.end)) for f in avail.free] == naive
    print(f"\navailability of one resource for 30 days ({samples} samples)")
    _line("selector", fast, fast_cpu)
    _line("baseline", slow, slow_cpu, f"  all its bookings loaded, {len(slow)} samples")

    start = sel.local_midnight(monday)
    end = sel.local_midnight(monday + dt.timedelta(days=7))
    # The first search of each field after the load reads its pages from the OS into the
    # database's cache (PostgreSQL's shared buffers, SQLite's memory map: both shared by
    # every connection, so it happens once per server, not per request). Timed apart.
    cold = []
    for field in FIELDS:
        ms, _found = _timed(lambda f=field: sel.free_resources(f, start, end, 60, now=start))
        cold.append(ms)
    fast, slow, fast_cpu, slow_cpu, counts = [], [], [], [], []
    for i in range(samples):
        field = FIELDS[i % len(FIELDS)]
        # The page and the API ask for the best 100 (most free time first), as here.
        ms, found = _timed(
            lambda f=field: sel.free_resources(f, start, end, 60, now=start, limit=100)
        )
        fast.append(ms)
        fast_cpu.append(CPU[-1])
        counts.append(len(found))
        if i < baseline_samples:
            ms, naive = _timed(lambda f=field: naive_search(f, start, end, 60))
            slow.append(ms)
            slow_cpu.append(CPU[-1])
            every = sel.free_resources(field, start, end, 60, now=start)
            assert sorted(naive) == sorted(r.resource_id for r in every), field
            assert [r.resource_id for r in every[:100]] == [r.resource_id for r in found]
    per_field = Resource.objects.filter(technical_field=FIELDS[0]).count()
    print(
        f"\nfree resources of a field next week, ≥ 60 free minutes ({samples} samples, "
        f"~{per_field:,} resources per field, the best {statistics.mean(counts):,.0f} shown)"
    )
    _line("selector", fast, fast_cpu)
    _line("baseline", slow, slow_cpu, f"  per resource all its bookings, {len(slow)} samples")
    print(
        f"  first search of each field after the load (cold cache): median "
        f"{statistics.median(cold):.1f} ms, slowest {max(cold):.1f} ms"
    )
    print("  target: p95 ≤ 50 ms for both selectors (wall time; on PostgreSQL the server's")
    print("  CPU is not in this process's figure)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--per", type=int, default=100, help="past bookings per resource")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--baseline-samples", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    original_url = os.environ.get("DATABASE_URL", "")
    description, pg_name = setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        print(f"database: {description}; {args.resources:,} resources × {args.per} past "
              f"bookings; load average {os.getloadavg()}")  # fmt: skip
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"  migrated in {time.perf_counter() - started:.1f} s")
        world = build_world(args.resources, args.per)
        with connection.cursor() as cursor:  # what autovacuum would do soon after a load
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        bench(world, args.samples, args.baseline_samples)
        print(f"load average at the end {os.getloadavg()} (other work on the machine skews times)")
    finally:
        scratch.clean_up(original_url, pg_name, keep=args.keep)


if __name__ == "__main__":
    main()
