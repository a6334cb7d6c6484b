"""Search index on several nodes (issue 10, ADR 0008): commit → findable on two nodes and
the follower's throughput, next to the in-process thread queue it replaced.

Usage (``make bench-index-nodes``):

    .venv/bin/python benchmarks/bench_index_nodes.py                 # SQLite, 2,000 changes
    .venv/bin/python benchmarks/bench_index_nodes.py --n 5000 --samples 40
    .venv/bin/python benchmarks/bench_index_nodes.py --database-url postgres://postgres@127.0.0.1:5432/tb_bench

Everything runs in a temporary directory (a SQLite file there, or the PostgreSQL database
named, which is dropped and recreated). Records: titles, keywords and abstracts of the CSL
papers in <repo>/../shared/data/csl/csl_2000.jsonl when present (synthetic text otherwise).

- **Throughput**: N published records, then N changes in the log; one follower applies
  them (`follower.apply_pending`) — jobs/s. Baseline: the same N records through the old
  after-commit queue (copied below as ``LegacyQueue``, as it was before ADR 0008).
- **Commit → findable**: two `techbridge index-follow` processes, each with its own index
  directory (two nodes); this process publishes records through the real services, one
  transaction each, and polls both nodes' indexes (as their web workers read them) until
  the record is found: p50/p95 per node. Baseline: the old in-process thread, one node
  (it could not reach another node at all).
- **Hook cost**: the time ``index_on_commit`` adds inside a business transaction (the log
  row insert), next to the old hook (an on-commit callback).
Targets: findable ≤ 2 s p95 on every node, ≥ 500 changes/s on one follower, hook ≤ 2 ms p95.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CSL = REPO.parent / "shared/data/csl/csl_2000.jsonl"
TARGETS = {"findable_p95_ms": 2000.0, "jobs_per_s": 500.0, "hook_p95_ms": 2.0}

sys.path.insert(0, str(REPO))


# --- the old path, as it was (techbridge/search/indexing.py before ADR 0008) ---------------


@dataclass
class LegacyQueue:
    """The per-process after-commit queue and its daemon thread that ADR 0008 replaced."""

    pending: dict[str, set[int]] = field(default_factory=dict)
    lock: threading.Condition = field(default_factory=threading.Condition)
    busy: bool = False
    thread: threading.Thread | None = None
    batch: int = 500
    debounce: float = 0.05

    def enqueue(self, kind: str, pk: int) -> None:
        with self.lock:
            self.pending.setdefault(kind, set()).add(int(pk))
            self.lock.notify_all()
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._worker, daemon=True)
                self.thread.start()

    def _take(self) -> list[tuple[str, list[int]]]:
        work = []
        for kind in list(self.pending):
            ids = self.pending[kind]
            chunk = [ids.pop() for _ in range(min(self.batch, len(ids)))]
            if not ids:
                del self.pending[kind]
            work.append((kind, chunk))
        return work

    def _drain_once(self) -> bool:
        from techbridge.search.indexing import sync_records

        with self.lock:
            if self.busy or not self.pending:
                return False
            self.busy = True
            work = self._take()
        try:
            for kind, chunk in work:
                sync_records(kind, chunk)
        finally:
            with self.lock:
                self.busy = False
                self.lock.notify_all()
        return True

    def flush(self, timeout: float = 600.0) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            worked = self._drain_once()
            with self.lock:
                if not self.pending and not self.busy:
                    return True
                if not worked:
                    if time.monotonic() > deadline:
                        return False
                    self.lock.wait(0.1)

    def _worker(self) -> None:
        from django.db import connection

        while True:
            with self.lock:
                while not self.pending:
                    self.lock.wait()
            time.sleep(self.debounce)
            try:
                self._drain_once()
            finally:
                connection.close()


# --- setup ---------------------------------------------------------------------------------


def texts(n: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if CSL.exists():
        with CSL.open(encoding="utf-8") as fh:
            for line in fh:
                item = json.loads(line)
                rows.append(
                    {
                        "title": item["title"][:300],
                        "summary": item.get("abstract", "")[:4000],
                        "keywords": [str(k) for k in item.get("keywords", [])][:10],
                    }
                )
    if not rows:
        words = ["材料", "电池", "催化", "检测", "装备", "传感", "算法", "工艺", "农业", "医药"]
        rows = [
            {
                "title": " ".join(random.sample(words, 4)),
                "summary": " ".join(random.choices(words, k=80)),
                "keywords": random.sample(words, 3),
            }
            for _ in range(2000)
        ]
    return [dict(rows[i % len(rows)]) for i in range(n)]


def prepare_environment(workdir: Path, database_url: str) -> dict[str, str]:
    env = {
        "TECHBRIDGE_ENV": "development",
        "TECHBRIDGE_DATA_DIR": str(workdir / "data"),
        "DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(workdir / "bench-process"),
        "SEARCH_INDEX_ASYNC": "1",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "techbridge.settings",
    }
    os.environ.update(env)
    return env


def recreate_postgres(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def world() -> tuple[Any, Any]:
    from techbridge.accounts.models import User
    from techbridge.accounts.roles import Role
    from techbridge.organisations.models import Organisation, OrganisationKind, OrganisationStatus

    institute = Organisation.objects.create(
        name="基准研究院",
        kind=OrganisationKind.RESEARCH_INSTITUTE,
        status=OrganisationStatus.VERIFIED,
        region_code="110108",
    )
    bureau = Organisation.objects.create(
        name="基准科技局",
        kind=OrganisationKind.GOVERNMENT,
        status=OrganisationStatus.VERIFIED,
        region_code="520100",
    )
    researcher = User(
        username="bench-researcher", role=Role.INSTITUTION_MEMBER, organisation=institute
    )
    staff = User(
        username="bench-staff",
        role=Role.BUREAU_STAFF,
        organisation=bureau,
        is_reviewer=True,
        is_staff=True,
    )
    for user in (researcher, staff):
        user.set_unusable_password()
        user.save()
    return researcher, staff


def bulk_published(owner: Any, rows: list[dict[str, Any]], prefix: str) -> list[int]:
    """Published achievements written directly (the records are the load, not the test)."""
    from django.utils import timezone

    from techbridge.catalogue.models import Achievement

    now = timezone.now()
    objs = [
        Achievement(
            owner=owner,
            external_id=f"{prefix}-{i}",
            title=row["title"],
            summary=row["summary"],
            keywords=row["keywords"],
            technical_field="new_materials",
            region_code=owner.region_code,
            status="published",
            published_at=now,
        )
        for i, row in enumerate(rows)
    ]
    Achievement.objects.bulk_create(objs, batch_size=500)
    made = Achievement.objects.filter(external_id__startswith=f"{prefix}-")
    return list(made.values_list("pk", flat=True))


def use_index(path: Path) -> None:
    from django.conf import settings

    from techbridge.search.backends import reset_backends

    reset_backends()
    settings.SEARCH_INDEX_DIR = path


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# --- measurements --------------------------------------------------------------------------


def throughput(workdir: Path, owner: Any, n: int) -> tuple[float, float]:
    """(baseline jobs/s, follower jobs/s) for the same n published records."""
    from techbridge.search import changelog, follower, indexing

    indexing.ensure_dictionary()
    # The follower's node exists before the records (its cursor stands before them).
    use_index(workdir / "throughput-follower")
    follower.apply_pending()
    pks = bulk_published(owner, texts(n), "tp")
    changelog.record_changes("achievement", pks)  # = n committed publications' log rows

    use_index(workdir / "throughput-legacy")
    queue = LegacyQueue()
    started = time.perf_counter()
    for pk in pks:
        queue.enqueue("achievement", pk)
    queue.flush()
    legacy = n / (time.perf_counter() - started)

    use_index(workdir / "throughput-follower")
    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        applied = profiler.runcall(follower.apply_pending)
        profiler.dump_stats(os.environ["BENCH_PROFILE"])
    else:
        applied = follower.apply_pending()
    ours = applied / (time.perf_counter() - started)
    assert applied == n, (applied, n)
    assert indexing.differences("achievement") == (set(), set())
    return legacy, ours


def _submitted(researcher: Any, title: str) -> Any:
    from techbridge.catalogue.services import records as services

    record = services.record_create(
        actor=researcher,
        kind="achievement",
        title=title,
        summary="基准测试：提交到可检索的时间",
        technical_field="new_materials",
    )
    return services.record_submit(actor=researcher, record=record)


def findable(
    workdir: Path, env: dict[str, str], researcher: Any, staff: Any, samples: int
) -> dict[str, list[float]]:
    """Milliseconds from commit to findable: per node, and for the legacy thread."""
    from techbridge.catalogue.services import records as services
    from techbridge.search import indexing
    from techbridge.search.backends import get_backend
    from techbridge.search.backends.tantivy_backend import TantivyBackend
    from techbridge.search.selectors import query_tokens

    nodes = {name: workdir / name for name in ("node-a", "node-b")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "techbridge.cli", "index-follow"],
            env={**os.environ, **env, "SEARCH_INDEX_DIR": str(path)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for path in nodes.values()
    ]
    times: dict[str, list[float]] = {name: [] for name in nodes}
    times["legacy"] = []
    try:
        readers = {name: TantivyBackend(path) for name, path in nodes.items()}
        deadline = time.monotonic() + 120
        while any(r.load_cursor(r.generation()) is None for r in readers.values()):
            if time.monotonic() > deadline:
                raise SystemExit("the follower processes did not start")
            time.sleep(0.1)
        for i in range(samples):
            word = f"benchzq{i:04d}x{random.randint(1000, 9999)}"
            tokens = query_tokens(word)
            record = _submitted(researcher, f"提交到可检索 {word}")
            services.record_publish(actor=staff, record=record)
            committed = time.perf_counter()
            pending = set(readers)
            while pending and time.perf_counter() - committed < 30:
                for name in list(pending):
                    hits = readers[name].search(tokens, limit=5).hits
                    if any(h.id == record.pk for h in hits):
                        times[name].append((time.perf_counter() - committed) * 1000)
                        pending.discard(name)
                time.sleep(0.005)
            for name in pending:
                times[name].append(30_000.0)
            time.sleep(0.2)
        # Baseline: the old hook, the old thread, this process' own index.
        use_index(workdir / "findable-legacy")
        indexing.rebuild()
        queue = LegacyQueue()
        backend = get_backend()  # the old path read its own writes in-process
        for i in range(samples):
            word = f"legacyzq{i:04d}x{random.randint(1000, 9999)}"
            tokens = query_tokens(word)
            record = _submitted(researcher, f"提交到可检索 {word}")
            with indexing.suspended():
                services.record_publish(actor=staff, record=record)
            committed = time.perf_counter()
            queue.enqueue("achievement", record.pk)  # what the old on-commit callback did
            while time.perf_counter() - committed < 30:
                if any(h.id == record.pk for h in backend.search(tokens, limit=5).hits):
                    break
                time.sleep(0.005)
            times["legacy"].append((time.perf_counter() - committed) * 1000)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
    return times


def hook_cost(researcher: Any, samples: int) -> tuple[list[float], list[float]]:
    """Milliseconds ``index_on_commit`` adds inside a transaction: old hook, new hook."""
    from django.db import transaction

    from techbridge.search import indexing

    old: list[float] = []
    new: list[float] = []
    for _ in range(samples):
        with transaction.atomic():
            started = time.perf_counter()
            transaction.on_commit(lambda: None)  # the old hook: a callback, nothing written
            old.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            indexing.index_on_commit("achievement", 1)
            new.append((time.perf_counter() - started) * 1000)
    return old, new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="changes for the throughput run")
    parser.add_argument("--samples", type=int, default=20, help="publications timed")
    parser.add_argument("--database-url", default="", help="PostgreSQL (dropped, recreated)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-index-nodes-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if url.startswith("postgres"):
        recreate_postgres(url)
    env = prepare_environment(workdir, url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from techbridge.search import follower

    # This process only writes and measures: it must not follow an index of its own (the
    # nodes are separate processes, and the measurements call apply_pending themselves).
    follower.start = lambda: None  # type: ignore[assignment]
    follower.after_commit = lambda: None  # type: ignore[assignment]
    call_command("migrate", verbosity=0)
    researcher, staff = world()
    print(f"bench-index-nodes: {connection.vendor}, {args.n} changes, {args.samples} samples")

    legacy_rate, rate = throughput(workdir, researcher.organisation, args.n)
    times = findable(workdir, env, researcher, staff, args.samples)
    old_hook, new_hook = hook_cost(researcher, 200)

    rows = [
        ("index throughput (jobs/s, one process)", f"{legacy_rate:,.0f}", f"{rate:,.0f}", "≥ 500"),
    ]
    for label, q in (("p50", 0.5), ("p95", 0.95)):
        ours = " / ".join(f"{pct(times[n], q):,.0f}" for n in ("node-a", "node-b"))
        rows.append(
            (
                f"commit → findable {label} (ms)",
                f"{pct(times['legacy'], q):,.0f} (1 node)",
                f"{ours} (A / B)",
                "≤ 2,000" if label == "p95" else "",
            )
        )
    rows.append(
        (
            "hook cost in the transaction p95 (ms)",
            f"{pct(old_hook, 0.95):.3f}",
            f"{pct(new_hook, 0.95):.3f}",
            "≤ 2",
        )
    )
    width = max(len(r[0]) for r in rows)
    head = f"{'in-process thread (before)':>28}  {'change log + followers':>24}"
    print(f"{'':{width}}  {head}  target")
    for label, before, after, target in rows:
        print(f"{label:{width}}  {before:>28}  {after:>24}  {target}")
    worst = max(pct(times[n], 0.95) for n in ("node-a", "node-b"))
    ok = (
        worst <= TARGETS["findable_p95_ms"]
        and rate >= TARGETS["jobs_per_s"]
        and pct(new_hook, 0.95) <= TARGETS["hook_p95_ms"]
    )
    print(
        "targets met"
        if ok
        else f"TARGET MISSED (findable p95 {worst:.0f} ms, {rate:.0f} jobs/s, "
        f"hook p95 {pct(new_hook, 0.95):.3f} ms)"
    )


if __name__ == "__main__":
    main()
