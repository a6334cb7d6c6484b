"""Catalogue targets: importing 100,000 achievements, and list page / list API latency over
100,000 published achievements — each next to a baseline measured in the same run.

Usage:

    .venv/bin/python benchmarks/bench_catalogue.py                 # 100,000 rows, SQLite
    .venv/bin/python benchmarks/bench_catalogue.py --rows 20000    # quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_catalogue.py             # SQLite, then PostgreSQL

Every run creates its own database: a SQLite file in a temporary TECHBRIDGE_DATA_DIR, and
with DATABASE_URL set also a throw-away PostgreSQL database (``tb_bench_catalogue_<pid>``,
dropped at the end) — var/ is never touched. Each database runs in a child process so its
peak RSS (resource.getrusage) is the cost of that run alone.

1. Import: a JSONL file of N achievement rows through the real import path (read →
   validate every row → bulk upsert with audit rows, all-or-nothing). Target on SQLite:
   100,000 rows ≤ 60 s, peak RSS ≤ 1 GB. Baseline: naive per-row ORM ``save()`` plus an
   audit row per record for a 2,000-row sample, extrapolated to N.
2. Lists: all rows published, then p50/p95 of the list page (/catalogue/achievements/) and
   the list API (/api/v1/achievements/) through Django's test client in-process, with and
   without filters (technical field, region prefix, TRL, sorting). Target p95 ≤ 200 ms.
   Baseline: an unfiltered ``SELECT COUNT(*)`` over the table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _child(rows: int, label: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from techbridge.audit.models import AuditEventType
    from techbridge.audit.services import audit_record
    from techbridge.catalogue.demo_text import TOPICS, achievement_text
    from techbridge.catalogue.importers import AchievementImporter
    from techbridge.catalogue.models import Achievement, Status
    from techbridge.codes.choices import TechField
    from techbridge.imports.services import import_file
    from techbridge.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    call_command("load_codes", verbosity=0)
    owner = Organisation.objects.create(
        name="基准测试研究院", kind="research_institute", region_code="110108", status="verified"
    )
    regions = ["110108", "110105", "520115", "520102", "520181", "310104", "440305"]
    data_dir = Path(os.environ["TECHBRIDGE_DATA_DIR"])
    path = data_dir / "achievements.jsonl"
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(rows):
            topic = TOPICS[i % len(TOPICS)]
            title, summary = achievement_text(topic, i // len(TOPICS))
            row = {
                "external_id": f"B{i:07d}",
                "title": f"{title}（{i}）",
                "summary": summary,
                "keywords": list(topic.keywords),
                "field": topic.field,
                "trl": 1 + i % 9,
                "transfer_modes": "转让、许可",
                "asking_price": f"{rng.randrange(1, 10**7)}.{i % 100:02d}",
                "region": regions[i % len(regions)],
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    # Baseline: naive per-row ORM save with an audit row each, on a sample.
    sample = min(2000, rows)
    start = time.perf_counter()
    for i in range(sample):
        record = Achievement(
            owner=owner,
            external_id=f"naive-{i}",
            title=f"naive {i}",
            summary="x" * 80,
            technical_field="new_materials",
            trl=5,
            keywords=["a", "b"],
        )
        record.save()
        audit_record(AuditEventType.CREATE, obj=record)
    naive = (time.perf_counter() - start) / sample * rows
    Achievement.objects.filter(external_id__startswith="naive-").delete()

    importer = AchievementImporter(actor=None, options={"org": owner.name})
    start = time.perf_counter()
    report = import_file(importer, path)
    elapsed = time.perf_counter() - start
    assert report.ok, report.errors[:5]
    from techbridge.search import indexing

    start = time.perf_counter()
    indexing.flush(timeout=600)  # search hooks run in the background in production
    index_wait = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"[{label}] import {rows:,} JSONL rows: {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s), "
        f"new {report.created:,}; peak RSS {peak_mb:,.0f} MB; search-index queue empty "
        f"{index_wait:.1f} s later"
    )
    print(
        f"[{label}]   baseline naive per-row save (+audit), {sample:,}-row sample "
        f"extrapolated: {naive:.1f} s  → {naive / elapsed:.1f}× slower"
    )

    # Publish everything (benchmark set-up, not a measured path) with spread dates.
    now = timezone.now()
    Achievement.objects.update(status=Status.PUBLISHED, published_at=now)
    with connection.cursor() as cursor:
        table = Achievement._meta.db_table
        if connection.vendor == "sqlite":
            cursor.execute(
                f"UPDATE {table} SET published_at = "  # noqa: S608 - our own table name
                "datetime(published_at, '-' || (id % 900) || ' days')"
            )
            cursor.execute("ANALYZE")
        else:
            cursor.execute(
                f"UPDATE {table} SET published_at = "  # noqa: S608 - our own table name
                "published_at - (id % 900) * interval '1 day'"
            )
            cursor.execute("ANALYZE")

    def timed(fn, n: int) -> list[float]:
        fn()  # warm-up
        out = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000)
        return out

    def pct(values: list[float], p: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]

    def count_all() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {Achievement._meta.db_table}")  # noqa: S608
            cursor.fetchone()

    base = timed(count_all, 30)
    print(
        f"[{label}] baseline SELECT COUNT(*) over {rows:,} rows: p50 {pct(base, 50):.2f} ms, "
        f"p95 {pct(base, 95):.2f} ms"
    )
    client = Client()
    fields = TechField.values
    queries = [
        "",
        "?sort=title",
        "?field={f}",
        "?field={f}&trl=6",
        "?region=520000",
        "?region=110108&field={f}&sort=old",
        "?trl=8&sort=trl",
        f"?page={max(1, rows // 50)}",  # a deep page (the middle of the list)
    ]
    for prefix, name in (("/catalogue/achievements/", "page"), ("/api/v1/achievements/", "API")):
        everything: list[float] = []
        for q in queries:
            counter = iter(range(10**6))

            def call(q: str = q, c=counter, prefix: str = prefix) -> None:
                url = prefix + q.format(f=fields[next(c) % len(fields)])
                response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
                assert response.status_code == 200, (url, response.status_code)

            samples = timed(call, 15)
            everything += samples
            print(
                f"[{label}]   {name:4} {q or '(no filter)':32} p50 {pct(samples, 50):6.1f} ms"
                f"  p95 {pct(samples, 95):6.1f} ms"
            )
        print(
            f"[{label}] list {name} over all filters: p50 {pct(everything, 50):.1f} ms, "
            f"p95 {pct(everything, 95):.1f} ms (target ≤ 200 ms)"
        )


def _run(rows: int, label: str, database_url: str | None) -> int:
    with tempfile.TemporaryDirectory(prefix="tb-bench-cat-") as tmp:
        env = dict(os.environ, TECHBRIDGE_DATA_DIR=tmp, SEARCH_INDEX_DIR=str(Path(tmp) / "index"))
        env["DATABASE_URL"] = database_url or f"sqlite:///{tmp}/bench.sqlite3"
        return subprocess.call(
            [sys.executable, __file__, "--child", label, "--rows", str(rows)], env=env, cwd=ROOT
        )


def _postgres(rows: int, server_url: str) -> int:
    import psycopg

    name = f"tb_bench_catalogue_{os.getpid()}"
    base, _, _db = server_url.rpartition("/")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return _run(rows, "PostgreSQL", f"{base}/{name}")
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.rows, args.child)
        return
    server = os.environ.pop("DATABASE_URL", None)
    status = _run(args.rows, "SQLite", None)
    if server and server.startswith("postgres"):
        status = _postgres(args.rows, server) or status
    sys.exit(status)


if __name__ == "__main__":
    main()
