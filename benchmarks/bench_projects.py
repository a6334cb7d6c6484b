"""Project ledger benchmark: KPIs over 100,000 projects with 1,000,000 funding entries.

    .venv/bin/python benchmarks/bench_projects.py                  # SQLite, default sizes
    .venv/bin/python benchmarks/bench_projects.py --projects 20000 --entries 200000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_projects.py             # PostgreSQL

It works in a database of its own: a temporary data directory with a new SQLite file, or
a new PostgreSQL database ``tb_bench_projects_<pid>`` next to the one DATABASE_URL names,
dropped at the end. It never touches var/.

The data are built with bulk_create (batches, zones, projects, then the funding entries,
whose exact sum per project becomes funds_in_place, as the services keep it). Figures,
each next to a baseline measured in the same run:
- p95 / median of each KPI query of the ledger (kpis.ledger_kpis and period_activity)
  with random filters: whole ledger by batch and by zone, one batch, one zone, a signing
  period, a month's activity, and KPIs as of a past day (funds re-summed from entries);
- the naive baseline: the same figures summed in Python from every project row and every
  funding entry (what a first version without the cached sum and grouped aggregates does);
- a check that the KPI sums equal the exact sums of the generated amounts.
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
from decimal import Decimal
from pathlib import Path
from typing import Any

import scratch  # benchmarks/scratch.py: a database of the benchmark's own

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = dt.date(2013, 1, 1)
END = dt.date(2025, 12, 31)
TARGET_MS = 200.0


def setup_database() -> tuple[str, str | None]:
    return scratch.setup_database("projects")


def build(projects: int, entries: int, batches: int, zones: int, seed: int = 12) -> dict:
    """Bulk-load the ledger; returns the exact totals of what was generated."""
    from django.db import transaction

    from techbridge.projects.models import Batch, FundingEntry, Project, Zone

    rng = random.Random(seed)
    batch_rows = Batch.objects.bulk_create(
        [
            Batch(
                name=f"第{i + 1}批签约项目",
                signed_on=START + dt.timedelta(days=i * (END - START).days // batches),
                source_event="基准签约活动",
            )
            for i in range(batches)
        ]
    )
    zone_rows = Zone.objects.bulk_create(
        [Zone(name=f"园区{i + 1}", region_code="520100") for i in range(zones)]
    )
    totals = {"investment": 0, "funds": 0, "started": 0, "signed": projects}
    # The entries are drawn first, so each project is inserted with its exact sum as
    # funds_in_place (what the services keep) and no update pass is needed.
    signed_days = [batch_rows[i % batches].signed_on for i in range(projects)]
    per_project_funds: list[int] = [0] * projects
    drawn: list[tuple[int, int, dt.date]] = []
    for _ in range(entries):
        index = rng.randrange(projects)
        fen = rng.randint(1_000_00, 50_000_000_00)
        per_project_funds[index] += fen
        day = min(signed_days[index] + dt.timedelta(days=rng.randint(0, 3000)), END)
        drawn.append((index, fen, day))
    started = time.perf_counter()
    chunk: list[Project] = []
    stages = ["signed", "started", "started", "started", "in_production", "stalled", "cancelled"]
    for i in range(projects):
        batch = batch_rows[i % batches]
        signed_on = batch.signed_on
        stage = rng.choice(stages)
        started_on = in_production_on = None
        reason = ""
        if stage in ("started", "in_production") or (stage == "stalled" and i % 2):
            started_on = min(signed_on + dt.timedelta(days=rng.randint(10, 300)), END)
        if stage == "in_production":
            in_production_on = min(started_on + dt.timedelta(days=rng.randint(30, 700)), END)  # type: ignore[operator]
        if stage in ("stalled", "cancelled"):
            reason = "基准原因"
        if started_on is not None and stage != "cancelled":
            totals["started"] += 1
        fen = rng.randint(1_000_000_00, 10_000_000_000_00)
        totals["investment"] += fen
        chunk.append(
            Project(
                code=f"XM2026{i + 1:06d}"[:16],
                name=f"基准项目{i + 1}",
                batch=batch,
                signed_on=signed_on,
                investor_name=f"投资方{i % 997}",
                region_code="520100",
                zone=zone_rows[rng.randrange(zones)],
                is_contract_type=bool(i % 3),
                total_investment=Decimal(fen) / 100,
                funds_in_place=Decimal(per_project_funds[i]) / 100,
                stage=stage,
                stage_reason=reason,
                started_on=started_on,
                in_production_on=in_production_on,
            )
        )
        if len(chunk) == 10_000:
            with transaction.atomic():
                Project.objects.bulk_create(chunk, batch_size=2_000)
            chunk = []
    if chunk:
        with transaction.atomic():
            Project.objects.bulk_create(chunk, batch_size=2_000)
    print(f"  {projects:,} projects in {time.perf_counter() - started:.1f} s")
    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    started = time.perf_counter()
    # The entries go in as plain parameter rows (executemany) — the same columns
    # bulk_create writes, without building a million model instances.
    from django.db import connection
    from django.utils import timezone

    table = FundingEntry._meta.db_table
    sql = (
        f"INSERT INTO {table} (project_id, amount, entry_date, note, is_correction, created_at)"  # noqa: S608 - the table name is the model's
        " VALUES (%s, %s, %s, '', %s, %s)"
    )
    now = timezone.now()
    rows: list[tuple[Any, ...]] = []
    for n, (index, fen, day) in enumerate(drawn):
        rows.append((ids[index], fen, day, False, now))
        if len(rows) == 50_000 or n == entries - 1:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            rows = []
    print(f"  {entries:,} funding entries in {time.perf_counter() - started:.1f} s")
    totals["funds"] = sum(per_project_funds)
    return {
        "totals": totals,
        "batches": [b.pk for b in batch_rows],
        "zones": [z.pk for z in zone_rows],
    }


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def naive_kpis(batch: int | None = None, zone: int | None = None) -> dict[str, Any]:
    """The baseline: every row into Python, counted and summed there, funds from entries."""
    from techbridge.projects.models import FundingEntry, Project

    qs = Project.objects.all()
    if batch:
        qs = qs.filter(batch_id=batch)
    if zone:
        qs = qs.filter(zone_id=zone)
    signed = started = production = 0
    investment = Decimal(0)
    wanted: set[int] = set()
    for p in qs.only("pk", "stage", "started_on", "in_production_on", "total_investment"):
        signed += 1
        live = p.stage != "cancelled"
        started += bool(p.started_on and live)
        production += bool(p.in_production_on and live)
        investment += p.total_investment
        wanted.add(p.pk)
    funds = Decimal(0)
    for project_id, amount in FundingEntry.objects.values_list("project_id", "amount").iterator(
        chunk_size=20_000
    ):
        if project_id in wanted:
            funds += amount
    return {"signed": signed, "started": started, "investment": investment, "funds": funds}


def bench(data: dict, queries: int, baseline_queries: int) -> None:
    from techbridge.projects import kpis
    from techbridge.projects.models import Project

    rng = random.Random(5)
    batches, zones = data["batches"], data["zones"]
    everything = Project.objects.all()

    def period() -> Any:
        year = rng.randint(2013, 2024)
        return kpis.ledger_kpis(
            kpis.scope(
                everything, signed_from=dt.date(year, 1, 1), signed_to=dt.date(year, 12, 31)
            ),
            group_by="batch",
        )

    def month() -> Any:
        year, m = rng.randint(2013, 2025), rng.randint(1, 12)
        start = dt.date(year, m, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return kpis.period_activity(everything, start=start, end=end)

    cases: list[tuple[str, Callable[[], Any]]] = [
        ("ledger by batch", lambda: kpis.ledger_kpis(everything, group_by="batch")),
        ("ledger by zone", lambda: kpis.ledger_kpis(everything, group_by="zone")),
        ("ledger by stage", lambda: kpis.ledger_kpis(everything, group_by="stage")),
        (
            "one batch",
            lambda: kpis.ledger_kpis(kpis.scope(everything, batch=rng.choice(batches))),
        ),
        (
            "one zone by batch",
            lambda: kpis.ledger_kpis(
                kpis.scope(everything, zone=rng.choice(zones)), group_by="batch"
            ),
        ),
        ("signing year by batch", period),
        ("month's activity", month),
        (
            "one batch as of a past day",
            lambda: kpis.ledger_kpis(
                kpis.scope(everything, batch=rng.choice(batches)),
                as_of=dt.date(rng.randint(2014, 2024), 6, 30),
            ),
        ),
    ]
    print(f"\n{'KPI query':<28}{'p95 ms':>9}{'median ms':>11}")
    worst = 0.0
    for name, fn in cases:
        fn()  # warm the cache
        times = [_timed(fn) for _ in range(queries)]
        worst = max(worst, _p95(times))
        print(f"{name:<28}{_p95(times):>9.1f}{statistics.median(times):>11.1f}")
    print(f"worst p95: {worst:.1f} ms (target ≤ {TARGET_MS:.0f} ms)")
    # The naive baseline, on the whole ledger and on one batch.
    whole = [_timed(naive_kpis) for _ in range(baseline_queries)]
    one = [_timed(lambda: naive_kpis(batch=rng.choice(batches))) for _ in range(baseline_queries)]
    print(
        f"baseline (Python-side sums over every project and entry): whole ledger "
        f"{statistics.median(whole):,.0f} ms, one batch {statistics.median(one):,.0f} ms "
        f"(median of {baseline_queries})"
    )
    # Exactness: the grouped aggregates, the naive sums and the generated totals agree.
    table = kpis.ledger_kpis(everything, group_by="batch")
    totals = data["totals"]
    naive = naive_kpis()
    checks = {
        "signed": (table.total.signed, naive["signed"], totals["signed"]),
        "started": (table.total.started, naive["started"], totals["started"]),
        "investment": (
            table.total.total_investment,
            naive["investment"],
            Decimal(totals["investment"]) / 100,
        ),
        "funds in place": (
            table.total.funds_in_place,
            naive["funds"],
            Decimal(totals["funds"]) / 100,
        ),
    }
    for name, (fast, slow, generated) in checks.items():
        status = "exact" if fast == slow == generated else "MISMATCH"
        print(f"check {name}: {fast} = {slow} = {generated}: {status}")
        assert fast == slow == generated, name
    print(f"start rate {table.total.start_rate} %, funds share {table.total.funds_share} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--zones", type=int, default=40)
    parser.add_argument("--queries", type=int, default=40, help="per KPI query")
    parser.add_argument("--baseline-queries", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    original_url = os.environ.get("DATABASE_URL", "")
    description, pg_name = setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        print(
            f"database: {description}; {args.projects:,} projects, {args.entries:,} funding "
            f"entries; load average {os.getloadavg()}"
        )
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        data = build(args.projects, args.entries, args.batches, args.zones)
        print(f"built in {time.perf_counter() - started:.1f} s")
        from django.db import connection

        # What autovacuum does soon after a load: planner statistics and, on PostgreSQL,
        # the visibility map that lets covering indexes answer alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        bench(data, args.queries, args.baseline_queries)
        print(f"load average at the end {os.getloadavg()} (other work on the machine skews times)")
    finally:
        scratch.clean_up(original_url, pg_name, keep=args.keep)


if __name__ == "__main__":
    main()
