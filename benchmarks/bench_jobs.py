"""Job queue targets (issue 10, ADR 0007), each next to a baseline measured in the same run.

Usage:

    .venv/bin/python benchmarks/bench_jobs.py                  # SQLite
    .venv/bin/python benchmarks/bench_jobs.py --jobs 2000      # quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_jobs.py              # SQLite, then PostgreSQL

Every run creates its own database (a SQLite file in a temporary TECHBRIDGE_DATA_DIR; with
DATABASE_URL also a throw-away PostgreSQL database ``tb_bench_jobs_<pid>``), in a child
process; var/ is never touched.

1. Enqueue overhead: a business transaction (an inbox row and an audit row, committed)
   with and without ``enqueue()`` of one job; p50/p95 of the enqueue call itself and of
   the whole transaction. Target: enqueue p95 ≤ 2 ms.
2. Throughput on one worker (database queue, ``worker --burst`` in-process): no-op jobs
   and index-like jobs (read a published achievement, build its tokenised index
   document), one record per handler call and with a batch handler (``@job(batch=True)``:
   the jobs of one claim in one call, one query). Target ≥ 500 jobs/s. Baseline: today's
   in-process thread queue (techbridge/search/indexing.py ``_Queue``: ``_enqueue`` then
   ``flush``; loaded from the last commit if the search app replaced it) indexing the same
   records into the embedded index.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def _child(jobs: int, label: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from techbridge.audit.models import AuditEventType
    from techbridge.audit.services import audit_record
    from techbridge.catalogue.models import Achievement, Status
    from techbridge.jobs import registry
    from techbridge.jobs.backends import DatabaseBackend
    from techbridge.jobs.models import Job
    from techbridge.jobs.services import enqueue
    from techbridge.notifications.models import Notification
    from techbridge.organisations.models import Organisation
    from techbridge.search import indexing

    call_command("migrate", verbosity=0)
    from techbridge.accounts.models import User

    user = User.objects.create(username="bench", role="system_admin")

    # 1. Enqueue overhead inside a business transaction.
    registry.job("bench.noop")(lambda **payload: None)
    samples = 400
    plain, with_job, enqueue_only = [], [], []
    for i in range(samples * 2):
        start = time.perf_counter()
        with transaction.atomic():
            note = Notification.objects.create(recipient=user, kind="other", title=f"n{i}")
            audit_record(AuditEventType.CREATE, actor=None, obj=note)
            if i % 2:
                t = time.perf_counter()
                enqueue("bench.noop", {"notification": note.pk})
                enqueue_only.append((time.perf_counter() - t) * 1000)
        (with_job if i % 2 else plain).append((time.perf_counter() - start) * 1000)
    print(
        f"[{label}] enqueue() inside the transaction: p50 {pct(enqueue_only, 50):.2f} ms, "
        f"p95 {pct(enqueue_only, 95):.2f} ms (target ≤ 2 ms)"
    )
    print(
        f"[{label}] business transaction with enqueue: p50 {pct(with_job, 50):.2f} ms, "
        f"p95 {pct(with_job, 95):.2f} ms; without (baseline): p50 {pct(plain, 50):.2f} ms, "
        f"p95 {pct(plain, 95):.2f} ms"
    )
    Job.objects.all().delete()

    # 2. Throughput on one worker.
    owner = Organisation.objects.create(
        name="基准测试研究院", kind="research_institute", region_code="110108", status="verified"
    )
    now = timezone.now()
    Achievement.objects.bulk_create(
        [
            Achievement(
                owner=owner,
                external_id=f"B{i:06d}",
                title=f"高效烟气脱硝催化剂制备技术（{i}）",
                summary="一种低温选择性催化还原脱硝催化剂及其制备方法，适用于燃煤电厂。",
                technical_field="new_materials",
                trl=5,
                keywords=["脱硝", "催化剂"],
                status=Status.PUBLISHED,
                published_at=now,
            )
            for i in range(jobs)
        ],
        batch_size=1000,
    )
    pks = list(Achievement.objects.values_list("pk", flat=True))
    indexing.ensure_dictionary()

    def index_like(*, pk: int) -> None:
        record = Achievement.objects.select_related("owner").get(pk=pk)
        indexing.document_for(record)

    def index_like_batch(*, payloads: list[dict]) -> None:
        records = Achievement.objects.select_related("owner").filter(
            pk__in=[p["pk"] for p in payloads]
        )
        for record in records:
            indexing.document_for(record)

    registry.job("bench.index_like")(index_like)
    registry.job("bench.index_like_batch", batch=True)(index_like_batch)

    def burst(name: str) -> float:
        with transaction.atomic():
            Job.objects.bulk_create(
                [Job(name=name, payload={"pk": pk}) for pk in pks], batch_size=1000
            )
        start = time.perf_counter()
        claimed = DatabaseBackend().run(
            stop=threading.Event(), burst=True, batch=100, with_scheduler=False
        )
        elapsed = time.perf_counter() - start
        assert claimed == len(pks), (claimed, len(pks))
        assert Job.objects.filter(name=name, status="done").count() == len(pks)
        return len(pks) / elapsed

    start = time.perf_counter()
    for pk in pks:
        index_like(pk=pk)
    work_rate = len(pks) / (time.perf_counter() - start)
    noop_rate = burst("bench.noop")
    index_rate = burst("bench.index_like")
    batch_rate = burst("bench.index_like_batch")
    print(
        f"[{label}] one worker: no-op {noop_rate:,.0f} jobs/s; index-like {index_rate:,.0f} "
        f"jobs/s one record per call (that work alone, no queue: {work_rate:,.0f}/s); "
        f"index-like with a batch handler {batch_rate:,.0f} jobs/s (target ≥ 500)"
    )

    # Baseline: today's in-process thread queue indexing the same records. The search app
    # may have replaced it meanwhile (issue 10); then the committed version is loaded.
    queue_module = indexing if hasattr(indexing, "_enqueue") else _committed_indexing()
    if queue_module is None:
        print(f"[{label}] baseline: search.indexing._Queue not available")
        return
    queue_module.reset_index()
    start = time.perf_counter()
    for pk in pks:
        queue_module._enqueue("achievement", pk)
    queue_module.flush(timeout=600)
    baseline = len(pks) / (time.perf_counter() - start)
    print(
        f"[{label}] baseline, in-process thread queue (search.indexing._Queue, batched "
        f"index writes, nothing durable): {baseline:,.0f} records/s"
    )


def _committed_indexing() -> types.ModuleType | None:
    try:
        source = subprocess.run(
            ["git", "show", "HEAD:techbridge/search/indexing.py"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("baseline_indexing")
    sys.modules["baseline_indexing"] = module  # dataclasses look their module up there
    try:
        exec(compile(source, "baseline_indexing.py", "exec"), module.__dict__)  # noqa: S102
    except Exception as exc:  # the backend interface it needs changed too: no baseline then
        print(f"baseline: committed indexing.py does not load ({exc})")
        return None
    return module if hasattr(module, "_enqueue") else None


def _run(jobs: int, label: str, database_url: str | None) -> int:
    with tempfile.TemporaryDirectory(prefix="tb-bench-jobs-") as tmp:
        env = dict(
            os.environ,
            TECHBRIDGE_DATA_DIR=tmp,
            SEARCH_INDEX_DIR=str(Path(tmp) / "index"),
            SEARCH_INDEX_ASYNC="1",
            JOBS_EAGER="0",
            LOG_LEVEL="WARNING",
        )
        env["DATABASE_URL"] = database_url or f"sqlite:///{tmp}/bench.sqlite3"
        return subprocess.call(
            [sys.executable, __file__, "--child", label, "--jobs", str(jobs)], env=env, cwd=ROOT
        )


def _postgres(jobs: int, server_url: str) -> int:
    import psycopg

    name = f"tb_bench_jobs_{os.getpid()}"
    base, _, _db = server_url.rpartition("/")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return _run(jobs, "PostgreSQL", f"{base}/{name}")
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.jobs, args.child)
        return
    server = os.environ.pop("DATABASE_URL", None)
    status = _run(args.jobs, "SQLite", None)
    if server and server.startswith("postgres"):
        status = _postgres(args.jobs, server) or status
    sys.exit(status)


if __name__ == "__main__":
    main()
