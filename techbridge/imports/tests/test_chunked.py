"""Issue 9 item 10: a valid file is written in chunks, each its own short transaction,
so other writers are never held up for the whole import. An import that dies part-way
is marked failed (or found stale by the next run) and re-importing the same file ends
with exactly all rows, none twice (RELIABILITY 21: "resumes to exactly all")."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from techbridge.audit.models import AuditEvent
from techbridge.catalogue.importers import AchievementImporter
from techbridge.catalogue.models import Achievement
from techbridge.contracts import bulk
from techbridge.contracts.importers import ContractImporter
from techbridge.contracts.models import ContractEvent, TechnologyContract
from techbridge.imports import base as imports_base
from techbridge.imports.models import ImportRun, ImportStatus
from techbridge.imports.services import import_file, mark_stale_runs_failed
from techbridge.imports.tests.helpers import contract, write_csv, write_jsonl

pytestmark = pytest.mark.django_db

ROWS, CHUNK = 230, 50


class Killed(BaseException):
    """Stands for the process dying: not an Exception, so nothing 'handles' it."""


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch) -> None:
    from techbridge.imports import services

    monkeypatch.setattr(services, "CHUNK_ROWS", CHUNK, raising=False)


def _fail_on_call(monkeypatch, target: Any, name: str, call: int) -> None:
    original = getattr(target, name)
    calls = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        result = original(*args, **kwargs)  # this chunk's rows are written ...
        if calls["n"] == call:
            raise Killed("killed in the middle of a chunk")  # ... and never committed
        return result

    monkeypatch.setattr(target, name, wrapper)


def _contracts_file(tmp_path, *, registered: bool):
    records = [contract(i) for i in range(1, ROWS + 1)]
    if not registered:
        for record in records:
            record.pop("registration_number")
    return write_csv(tmp_path / "c.csv", records)


@pytest.mark.parametrize("registered", [True, False], ids=["registered", "pending"])
def test_contracts_killed_in_chunk_3_resume_to_exactly_all(
    codes, tmp_path, monkeypatch, registered
):
    from techbridge.contracts import importers

    path = _contracts_file(tmp_path, registered=registered)
    with monkeypatch.context() as patch, pytest.raises(Killed):
        if registered:
            _fail_on_call(patch, bulk, "insert_events", 3)
        else:
            _fail_on_call(patch, importers, "audit_record_many", 3)
        import_file(ContractImporter(actor=None), path)
    # Two whole chunks are committed; the third was rolled back as a whole.
    assert TechnologyContract.objects.count() == 2 * CHUNK
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED and run.rows_done == 2 * CHUNK
    assert f"row {2 * CHUNK + 1}" in run.message and "re-run" in run.message

    report = import_file(ContractImporter(actor=None), path)
    assert report.ok, report.errors[:3]
    assert (report.created, report.unchanged) == (ROWS - 2 * CHUNK, 2 * CHUNK)
    assert TechnologyContract.objects.count() == ROWS
    assert TechnologyContract.objects.values("name").distinct().count() == ROWS
    creates = AuditEvent.objects.filter(
        event="create", object_type="contracts.technologycontract"
    )
    assert creates.count() == ROWS
    if registered:
        assert ContractEvent.objects.filter(kind="imported").count() == ROWS
    assert ImportRun.objects.latest("id").status == ImportStatus.SUCCEEDED


def test_catalogue_killed_in_chunk_3_resumes_to_exactly_all(personas, codes, tmp_path, monkeypatch):
    lines = [{"external_id": f"A{i:04d}", "title": f"成果{i}"} for i in range(ROWS)]
    path = write_jsonl(tmp_path / "a.jsonl", lines)
    options = {"org": personas.institution.name}
    with monkeypatch.context() as patch, pytest.raises(Killed):
        # upsert audits creates and updates separately: call 5 is chunk 3's creates.
        _fail_on_call(patch, imports_base, "audit_record_many", 5)
        import_file(AchievementImporter(actor=None, options=options), path)
    assert Achievement.objects.count() == 2 * CHUNK
    report = import_file(AchievementImporter(actor=None, options=options), path)
    assert (report.created, report.unchanged) == (ROWS - 2 * CHUNK, 2 * CHUNK)
    assert Achievement.objects.count() == ROWS
    creates = AuditEvent.objects.filter(event="create", object_type="catalogue.achievement")
    assert creates.count() == ROWS


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_whose_process_is_gone_is_failed_by_the_next_import(codes, tmp_path):
    host = socket.gethostname()
    dead = ImportRun.objects.create(
        kind="contracts", file_name="a.csv", file_sha256="0" * 64, status=ImportStatus.RUNNING,
        pid=_dead_pid(), host=host, heartbeat_at=timezone.now(), rows_done=4000,
    )  # fmt: skip
    silent = ImportRun.objects.create(
        kind="contracts", file_name="b.csv", file_sha256="1" * 64, status=ImportStatus.RUNNING,
        pid=1, host="another-host", heartbeat_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    alive = ImportRun.objects.create(
        kind="contracts", file_name="c.csv", file_sha256="2" * 64, status=ImportStatus.RUNNING,
        pid=os.getpid(), host=host, heartbeat_at=timezone.now(),
    )  # fmt: skip
    path = write_csv(tmp_path / "c.csv", [contract(1)])
    assert import_file(ContractImporter(actor=None), path).ok
    dead.refresh_from_db()
    silent.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == ImportStatus.FAILED and dead.finished_at is not None
    assert "row 4001" in dead.message and "re-run" in dead.message
    assert silent.status == ImportStatus.FAILED
    assert alive.status == ImportStatus.RUNNING


def test_the_import_command_fails_stale_runs(codes, tmp_path):
    stale = ImportRun.objects.create(
        kind="contracts", file_name="a.csv", file_sha256="0" * 64, status=ImportStatus.RUNNING,
        pid=_dead_pid(), host=socket.gethostname(), heartbeat_at=timezone.now(),
    )  # fmt: skip
    path = write_csv(tmp_path / "c.csv", [contract(1)])
    call_command("import", "contracts", str(path), "--no-progress", "--dry-run")
    stale.refresh_from_db()
    assert stale.status == ImportStatus.FAILED
    assert mark_stale_runs_failed() == 0


@pytest.mark.django_db(transaction=True)
def test_each_chunk_is_committed_before_the_next_is_written(codes, tmp_path):
    """With real commits (no test transaction around it): after every chunk the rows and
    the run's progress are visible, and the after-commit hooks (search index) have run."""
    path = _contracts_file(tmp_path, registered=True)
    seen: list[tuple[int, int]] = []

    class Recording(ContractImporter):
        def after_commit(self, outcome: Any) -> None:
            run = ImportRun.objects.latest("id")
            seen.append((TechnologyContract.objects.count(), run.rows_done))

    report = import_file(Recording(actor=None), path)
    assert report.ok and report.created == ROWS
    assert seen == [(50, 50), (100, 100), (150, 150), (200, 200), (230, 230)]
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.SUCCEEDED and run.chunks_done == 5
    assert run.heartbeat_at is not None


# A real kill: `techbridge import` in a child process on a file database, SIGKILLed once
# a random number of rows is committed; then the same file is imported again.
_IMPORT_SLOWLY = r"""
import sys
import django

django.setup()
from techbridge.contracts.importers import ContractImporter
from techbridge.imports.services import import_file

import_file(ContractImporter(actor=None), sys.argv[1], chunk_rows=int(sys.argv[2]))
"""


def _sqlite_rows(live, sql: str) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(live) as db:
        return db.execute(sql).fetchall()


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="child process on a SQLite file")
@pytest.mark.django_db(transaction=True)
def test_sigkill_at_a_random_row_then_reimport_gives_exactly_all(codes, tmp_path):
    import random
    import signal
    import time

    rows, chunk = 3000, 100
    live = tmp_path / "live.sqlite3"
    with connection.cursor() as cursor:  # a migrated file database with the code lists
        cursor.execute("VACUUM INTO %s", [str(live)])
    path = write_csv(tmp_path / "c.csv", [contract(i) for i in range(1, rows + 1)])
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{live}",
        "DJANGO_SETTINGS_MODULE": "techbridge.settings",
    }
    child = subprocess.Popen(
        [sys.executable, "-c", _IMPORT_SLOWLY, str(path), str(chunk)], env=env
    )
    kill_after = random.Random().randrange(chunk, rows - 5 * chunk)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and child.poll() is None:
        found = _sqlite_rows(live, "SELECT rows_done FROM imports_importrun")
        done = found[0][0] if found else 0
        if done >= kill_after:
            break
        time.sleep(0.01)
    assert child.poll() is None, "the import ended before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    # Whole chunks only, exactly as many as the run says it wrote; the run looks alive.
    ((status, rows_done),) = _sqlite_rows(live, "SELECT status, rows_done FROM imports_importrun")
    visible = _sqlite_rows(live, "SELECT COUNT(*) FROM contracts_technologycontract")[0][0]
    assert status == "running" and 0 < visible == rows_done < rows and visible % chunk == 0

    again = subprocess.run(
        [sys.executable, "-m", "techbridge.cli", "import", "contracts", str(path), "--no-progress"],
        env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    runs = _sqlite_rows(live, "SELECT status, message FROM imports_importrun ORDER BY id")
    # Marked failed by the second import (the CLI answers in Chinese: 第 N 条).
    assert runs[0][0] == "failed" and f" {rows_done + 1} " in runs[0][1]
    assert runs[1] == ("succeeded", "")
    count, distinct = _sqlite_rows(
        live,
        "SELECT COUNT(*), COUNT(DISTINCT registration_number) FROM contracts_technologycontract",
    )[0]
    assert count == distinct == rows
    audited = _sqlite_rows(
        live,
        "SELECT COUNT(*) FROM audit_auditevent WHERE event = 'create'"
        " AND object_type = 'contracts.technologycontract'",
    )[0][0]
    assert audited == rows
