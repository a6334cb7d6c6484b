"""Import concurrency benchmark: how long does a small write wait while a big import runs?

    .venv/bin/python benchmarks/bench_import_concurrency.py               # 50,000 rows
    .venv/bin/python benchmarks/bench_import_concurrency.py --rows 10000 --chunk 2000

SQLite only (its one write lock is the problem; PostgreSQL writers do not block each
other on inserts). It works in a database of its own — a new SQLite file in a temporary
data directory — never var/.

For each mode it imports N registered contracts (``import_file`` with ContractImporter,
as ``techbridge import contracts`` does) while another thread, with its own connection,
does a small write transaction (one UPDATE of an organisation, like a request saving a
form) every 20 ms, and prints the writes' wait: max, p95 and median.

- baseline: the old single-transaction path (one chunk as large as the file), which holds
  the write lock for the whole apply phase;
- chunked: what ``techbridge import`` does (issue 9 item 10): at most ``CHUNK_ROWS``
  rows and about ``CHUNK_SECONDS`` per transaction, with a short pause between chunks
  so waiting writers get the lock. Target: max write wait < 1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _writer(stop: threading.Event, org_pk: int, waits: list[float]) -> None:
    from django.db import connection, transaction

    from techbridge.organisations.models import Organisation

    n = 0
    try:
        while not stop.is_set():
            n += 1
            started = time.perf_counter()
            with transaction.atomic():
                Organisation.objects.filter(pk=org_pk).update(description=f"写入 {n}")
            waits.append(time.perf_counter() - started)
            time.sleep(0.02)
    finally:
        connection.close()


def _run(path: Path, *, chunk: int | None, label: str) -> None:
    from techbridge.contracts.importers import ContractImporter
    from techbridge.imports.services import import_file
    from techbridge.organisations.models import Organisation

    org = Organisation.objects.create(name=f"并发写入 {label}", kind="enterprise")
    waits: list[float] = []
    stop = threading.Event()
    thread = threading.Thread(target=_writer, args=(stop, org.pk, waits))
    thread.start()
    time.sleep(0.2)
    started = time.perf_counter()
    try:
        report = import_file(ContractImporter(actor=None), path, chunk_rows=chunk)
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        thread.join()
    assert report.ok, report.errors[:5]
    ordered = sorted(waits)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"{label:>9}: import {report.created:,} rows in {elapsed:5.1f} s "
        f"({report_chunks(report)}); {len(waits):,} concurrent writes, "
        f"wait max {max(waits):6.3f} s, p95 {p95:6.3f} s, median {statistics.median(waits):6.3f} s"
    )


def report_chunks(report: object) -> str:
    from techbridge.imports.models import ImportRun

    run = ImportRun.objects.get(pk=report.run_id)  # type: ignore[attr-defined]
    return f"{run.chunks_done:,} chunk(s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument(
        "--chunk", type=int, default=0, help="fixed rows per chunk (default: as the CLI does)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="tb-bench-import-concurrency-")
    os.environ["TECHBRIDGE_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()
    from bench_contracts import write_csv
    from django.core.management import call_command

    from techbridge.imports.services import CHUNK_ROWS, CHUNK_SECONDS

    try:
        print(f"SQLite file in {data_dir}; rows: {args.rows:,}; load {os.getloadavg()}")
        print(f"chunks: at most {CHUNK_ROWS:,} rows, about {CHUNK_SECONDS} s each")
        call_command("migrate", verbosity=0)
        from techbridge.codes.services import load_code_lists

        load_code_lists()
        baseline_file = Path(data_dir) / "baseline.csv"
        chunked_file = Path(data_dir) / "chunked.csv"
        write_csv(baseline_file, args.rows, seed=7)
        # Other registration numbers (another office code), so the second run inserts too.
        write_csv(chunked_file, args.rows, seed=8)
        text = chunked_file.read_text(encoding="utf-8").replace("52010001", "52010002")
        chunked_file.write_text(text, encoding="utf-8")
        _run(baseline_file, chunk=args.rows + 1, label="baseline")
        _run(chunked_file, chunk=args.chunk or None, label="chunked")
        print("target: chunked max write wait < 1 s")
        print(f"load average at the end {os.getloadavg()} (other work on the machine skews times)")
    finally:
        if args.keep:
            print(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
