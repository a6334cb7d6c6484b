"""Contracts benchmark: importing a registry file and querying the market statistics.

    .venv/bin/python benchmarks/bench_contracts.py                 # 1,000,000 rows, SQLite
    .venv/bin/python benchmarks/bench_contracts.py --rows 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_contracts.py            # PostgreSQL too

It always works in a database of its own: a temporary data directory with a new SQLite
file, or a new PostgreSQL database ``tb_bench_contracts_<pid>`` created next to the one
DATABASE_URL names and dropped at the end. It never touches var/.

Figures, each next to a baseline measured in the same run:
- import: ``techbridge import contracts`` (import_file with ContractImporter) of a CSV of
  N registered contracts, against the per-row service path (create → submit → certify and
  register) timed on a small sample and extrapolated to N;
- statistics: p95 of contract_statistics for every single-key grouping with a date
  filter (a random 2-year window) and a region filter (a random province, seller or buyer
  side), against the naive ORM query a first implementation would write (LIKE prefix
  filters, date functions for periods) on fewer samples.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

import scratch  # benchmarks/scratch.py: a database of the benchmark's own

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCES = {
    # province: (weight, a few real prefecture/county codes)
    "110000": (22, ["110101", "110105", "110108", "110114"]),
    "310000": (12, ["310101", "310104", "310115"]),
    "440000": (12, ["440100", "440300", "440106"]),
    "320000": (10, ["320100", "320500", "320200"]),
    "330000": (8, ["330100", "330200"]),
    "520000": (10, ["520100", "520102", "520115", "520300", "522301"]),
    "510000": (7, ["510100", "510104"]),
    "420000": (6, ["420100", "420106"]),
    "130000": (5, ["130100", "130600"]),
    "120000": (4, ["120101", "120116"]),
    "500000": (4, ["500101", "500103"]),
}
FIELDS = [
    "electronic_information", "aerospace", "advanced_manufacturing", "biomedicine",
    "new_materials", "new_energy", "environment", "nuclear", "agriculture",
    "modern_transport", "urban_social",
]  # fmt: skip
TYPES = ["development", "transfer", "licence", "consulting", "service"]
LEGAL = ["021", "022", "100", "110", "150", "160", "170", "200", "300"]
HEADERS = [
    "registration_number", "name", "type", "seller", "seller_region", "seller_country",
    "seller_type", "buyer", "buyer_region", "buyer_country", "buyer_type", "signed_on",
    "contract_amount", "technology_amount", "field", "ip_type",
]  # fmt: skip
START = dt.date(2013, 1, 1)
END = dt.date(2025, 12, 31)


def _region(rng: random.Random, provinces: list[str], weights: list[int]) -> str:
    province = rng.choices(provinces, weights=weights)[0]
    return rng.choice(PROVINCES[province][1])


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    provinces = list(PROVINCES)
    weights = [PROVINCES[p][0] for p in provinces]
    span = (END - START).days
    per_year: dict[int, int] = {}
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for i in range(rows):
            day = START + dt.timedelta(days=rng.randrange(span))
            per_year[day.year] = per_year.get(day.year, 0) + 1
            fen = rng.randint(1_000_00, 50_000_000_00)
            tech = rng.randint(fen // 2, fen)
            kind = rng.choice(TYPES)
            writer.writerow(
                [
                    f"{day.year}52010001{per_year[day.year]:07d}",
                    f"技术合同{i}",
                    kind,
                    f"卖方单位{rng.randrange(5000)}",
                    _region(rng, provinces, weights),
                    "156",
                    rng.choice(LEGAL),
                    f"买方单位{rng.randrange(20000)}",
                    _region(rng, provinces, weights),
                    "CN",
                    rng.choice(LEGAL),
                    day.isoformat(),
                    f"{fen // 100}.{fen % 100:02d}",
                    f"{tech // 100}.{tech % 100:02d}",
                    rng.choice(FIELDS),
                    "invention_patent" if kind in ("transfer", "licence") else "",
                ]
            )


def setup_database() -> tuple[str, str | None]:
    return scratch.setup_database("contracts")


def bench_service_baseline(sample: int, rows: int) -> float:
    """Seconds for ``rows`` contracts through the per-row services, extrapolated."""
    from techbridge.accounts.models import User
    from techbridge.accounts.roles import Role
    from techbridge.contracts import services
    from techbridge.organisations.models import Organisation

    seller = Organisation.objects.create(name="基准卖方", kind="enterprise", region_code="110108")
    bureau = Organisation.objects.create(name="基准登记处", kind="government", region_code="520100")
    member = User.objects.create(
        username="bench-member", role=Role.ENTERPRISE_MEMBER, organisation=seller
    )
    registrar = User.objects.create(
        username="bench-registrar", role=Role.BUREAU_STAFF, organisation=bureau, is_registrar=True
    )
    started = time.perf_counter()
    for i in range(sample):
        contract = services.contract_create(
            actor=member,
            name=f"基准合同{i}",
            contract_type="development",
            seller_organisation=seller,
            buyer_name="买方",
            buyer_region="520100",
            signed_on=dt.date(2020, 1, 1),
            contract_amount="1000.00",
            technology_amount="900.00",
            technical_field="electronic_information",
        )
        services.contract_submit(actor=member, contract=contract)
        services.contract_certify_and_register(actor=registrar, contract=contract)
    elapsed = time.perf_counter() - started
    return elapsed / sample * rows


def _random_filter(rng: random.Random) -> dict[str, str]:
    year = rng.randint(2013, 2024)
    month = rng.randint(1, 12)
    params = {"from": f"{year}-{month:02d}", "to": f"{year + 2}-{month:02d}"}
    side = rng.choice(["seller_region", "buyer_region"])
    params[side] = rng.choice(list(PROVINCES))
    return params


def _naive(keys: str, params: dict[str, str]) -> list[dict]:
    """What a first implementation would write: LIKE prefixes and date functions."""
    from django.db.models import Count, F, Sum
    from django.db.models.functions import ExtractQuarter, ExtractYear, Substr, TruncMonth

    from techbridge.codes.selectors import region_prefix
    from techbridge.contracts.models import TechnologyContract
    from techbridge.stats.selectors import parse_period

    qs = TechnologyContract.objects.filter(status="registered")
    qs = qs.filter(signed_on__gte=parse_period(params["from"]))
    qs = qs.filter(signed_on__lte=parse_period(params["to"], end=True))
    for side in ("seller_region", "buyer_region"):
        if params.get(side):
            qs = qs.filter(**{f"{side}__startswith": region_prefix(params[side])})
    expression = {
        "field": "technical_field",
        "type": "contract_type",
        "seller_type": "seller_type",
        "buyer_type": "buyer_type",
        "seller_region": Substr("seller_region", 1, 2),
        "buyer_region": Substr("buyer_region", 1, 2),
        "month": TruncMonth("signed_on"),
        "quarter": ExtractQuarter("signed_on"),
        "year": ExtractYear("signed_on"),
    }[keys]
    if isinstance(expression, str):
        expression = F(expression)
    return list(
        qs.annotate(k=expression)
        .values("k")
        .annotate(n=Count("id"), c=Sum("contract_amount"), t=Sum("technology_amount"))
        .order_by()
    )


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def bench_statistics(queries: int, baseline_queries: int) -> None:
    from techbridge.stats.selectors import GROUP_KEYS, contract_statistics, make_filter

    rng = random.Random(11)
    print(f"\n{'grouping':<14}{'p95 ms':>10}{'median ms':>11}{'baseline p95':>14}")
    worst = 0.0
    for key in GROUP_KEYS:
        times, naive = [], []
        for i in range(queries):
            params = _random_filter(rng)
            started = time.perf_counter()
            contract_statistics(group_by=[key], filters=make_filter(params))
            times.append((time.perf_counter() - started) * 1000)
            if i < baseline_queries:
                started = time.perf_counter()
                _naive(key, params)
                naive.append((time.perf_counter() - started) * 1000)
        worst = max(worst, _p95(times))
        print(f"{key:<14}{_p95(times):>10.1f}{statistics.median(times):>11.1f}{_p95(naive):>14.1f}")
    # The widest single query: no filter at all, every registered contract.
    started = time.perf_counter()
    from techbridge.stats.selectors import StatsFilter

    contract_statistics(group_by=["field"], filters=StatsFilter())
    print(f"unfiltered by field: {(time.perf_counter() - started) * 1000:.0f} ms")
    print(f"worst p95 over groupings: {worst:.1f} ms (target ≤ 500 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=200, help="baseline service sample")
    parser.add_argument("--queries", type=int, default=40, help="per grouping")
    parser.add_argument("--baseline-queries", type=int, default=5, help="per grouping")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    original_url = os.environ.get("DATABASE_URL", "")
    description, pg_name = setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        print(f"database: {description}; rows: {args.rows:,}; load average {os.getloadavg()}")
        call_command("migrate", verbosity=0)
        from techbridge.codes.services import load_code_lists

        load_code_lists()
        path = Path(os.environ["TECHBRIDGE_DATA_DIR"]) / "contracts.csv"
        started = time.perf_counter()
        write_csv(path, args.rows)
        print(f"generated CSV in {time.perf_counter() - started:.1f} s")

        baseline = bench_service_baseline(args.sample, args.rows)
        from techbridge.contracts.importers import ContractImporter
        from techbridge.imports.services import import_file

        started = time.perf_counter()
        # A registry bulk load while nobody else writes: large chunks (the default, small
        # chunks keep the site answering during an import at some cost in speed; ADR 0006).
        report = import_file(ContractImporter(actor=None), path, chunk_rows=50_000)
        elapsed = time.perf_counter() - started
        assert report.ok, report.errors[:5]
        print(
            f"import {report.created:,} contracts: {elapsed:.1f} s "
            f"({report.created / elapsed:,.0f} rows/s; target ≤ 180 s for 1,000,000)"
        )
        print(
            f"baseline, per-row services (create → submit → register, {args.sample} sampled, "
            f"extrapolated): {baseline:,.0f} s"
        )
        from django.db import connection

        # What autovacuum would do soon after a load: statistics for the planner and, on
        # PostgreSQL, the visibility map that lets covering indexes answer alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        bench_statistics(args.queries, args.baseline_queries)
        print(f"load average at the end {os.getloadavg()} (other work on the machine skews times)")
    finally:
        scratch.clean_up(original_url, pg_name, keep=args.keep)


if __name__ == "__main__":
    main()
