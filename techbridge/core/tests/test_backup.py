"""Backup and restore drill (RELIABILITY.md case 31)."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from techbridge.core.backup import (
    backup,
    current_manifest,
    open_copy,
    restore_drill,
    restore_drill_sqlite,
)
from techbridge.organisations.models import Organisation

pytestmark = pytest.mark.django_db

# VACUUM INTO refuses to run inside a transaction, so these tests commit for real.
sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite backup path")


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_opens_passes_integrity_check_and_matches_manifest(
    personas, tmp_path
) -> None:
    for i in range(50):
        Organisation.objects.create(name=f"备份测试 {i}", kind="enterprise")
    target, manifest = backup(tmp_path / "copy.sqlite3")
    assert manifest.exists()
    with open_copy(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM organisations_organisation").fetchone()[0] == (
            Organisation.objects.count()
        )
    assert restore_drill_sqlite(target) == []


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_drill_notices_a_copy_that_lost_rows(personas, tmp_path) -> None:
    target, _ = backup(tmp_path / "copy.sqlite3")
    with sqlite3.connect(target) as copy:
        copy.execute("DELETE FROM organisations_organisation WHERE id = ?", [personas.org.pk])
    problems = restore_drill_sqlite(target)
    assert any("organisations_organisation" in p for p in problems)


def test_manifest_counts_rows(personas) -> None:
    manifest = current_manifest()
    assert manifest["row_counts"]["organisations_organisation"] == Organisation.objects.count()
    assert "accounts_user" in manifest["row_counts"]
    assert connection.vendor in {"sqlite", "postgresql"}


# The drill under concurrent writes runs in a child process against a real database (a
# file for SQLite: the in-memory test database cannot be shared with a writer the way a
# live site's file is), with a writer thread that keeps committing organisations and
# demands with budgets (money rows) while the backup and its drill run ``runs`` times.
_DRILL_UNDER_WRITES = r"""
import io, json, sys, threading, time
from decimal import Decimal
from pathlib import Path

import django

django.setup()
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from techbridge.catalogue.models import Demand
from techbridge.organisations.models import Organisation

out, runs, suffix = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
stop = threading.Event()
written = [0]
writer_errors = []


def write():
    try:
        owner = Organisation.objects.create(name="并发写入单位", kind="enterprise")
        while not stop.is_set():
            i = written[0] + 1
            Organisation.objects.create(name=f"并发写入 {i}", kind="enterprise")
            Demand.objects.create(
                owner=owner,
                title=f"并发需求 {i}",
                budget_min=Decimal(i) + Decimal("0.01"),
                budget_max=Decimal(1000 * i),
            )
            written[0] = i
            time.sleep(0.002)
    except Exception as exc:  # reported to the test, which fails on it
        writer_errors.append(repr(exc))
    finally:
        connection.close()


writer = threading.Thread(target=write)
writer.start()
results = []
try:
    while written[0] < 3 and writer.is_alive():
        time.sleep(0.01)
    for run in range(runs):
        before = written[0]
        stdout, stderr = io.StringIO(), io.StringIO()
        try:
            call_command(
                "backup", str(out / f"copy-{run}{suffix}"), drill=True, stdout=stdout,
                stderr=stderr,
            )
            ok = "match" in stdout.getvalue()
        except CommandError as exc:
            ok = False
            stderr.write(str(exc))
        results.append(
            {"ok": ok, "written_during": written[0] - before, "out": stdout.getvalue()[-300:],
             "err": stderr.getvalue()[-600:]}
        )
finally:
    stop.set()
    writer.join()
print(json.dumps({"results": results, "written": written[0], "writer_errors": writer_errors}))
"""


def _drill_under_writes(database_url: str, out: Path, *, runs: int, suffix: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    env["DJANGO_SETTINGS_MODULE"] = "techbridge.settings"
    proc = subprocess.run(
        [sys.executable, "-c", _DRILL_UNDER_WRITES, str(out), str(runs), suffix],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _assert_all_drills_passed(report: dict, runs: int) -> None:
    assert report["writer_errors"] == []
    failed = [r for r in report["results"] if not r["ok"]]
    assert len(report["results"]) == runs
    assert failed == [], f"{len(failed)} of {runs} drills failed: {failed[:2]}"
    # The writes really overlapped the backups (else this test proves nothing).
    assert sum(r["written_during"] > 0 for r in report["results"]) >= runs // 2


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_drill_passes_ten_times_in_a_row_under_concurrent_writes(tmp_path) -> None:
    live = tmp_path / "live.sqlite3"
    with connection.cursor() as cursor:  # a migrated file database, like a live site's
        cursor.execute("VACUUM INTO %s", [str(live)])
    report = _drill_under_writes(f"sqlite:///{live}", tmp_path, runs=10, suffix=".sqlite3")
    _assert_all_drills_passed(report, 10)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL drill")
@pytest.mark.django_db(transaction=True)
def test_postgresql_drill_passes_ten_times_in_a_row_under_concurrent_writes(tmp_path) -> None:
    s = connection.settings_dict
    url = (
        f"postgres://{s['USER']}:{s.get('PASSWORD') or ''}@{s.get('HOST') or 'localhost'}"
        f":{s.get('PORT') or 5432}/{s['NAME']}"
    )
    report = _drill_under_writes(url, tmp_path, runs=10, suffix=".dump")
    _assert_all_drills_passed(report, 10)


def test_missing_postgresql_programs_give_a_clear_error(monkeypatch, tmp_path) -> None:
    from techbridge.core import backup as backup_module

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PG_BIN_DIR", str(tmp_path))
    monkeypatch.setattr(backup_module, "DEBIAN_PG_LIB", tmp_path / "none")
    with pytest.raises(backup_module.BackupError, match=r"pg_dump not found.*PG_BIN_DIR"):
        backup_module.pg_program("pg_dump")
    fake = tmp_path / "pg_restore"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert backup_module.pg_program("pg_restore") == str(fake)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL drill")
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_command_without_pg_dump_fails_clearly(monkeypatch, tmp_path) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from techbridge.core import backup as backup_module

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("PG_BIN_DIR", raising=False)
    monkeypatch.setattr(backup_module, "DEBIAN_PG_LIB", tmp_path / "none")
    with pytest.raises(CommandError, match="pg_dump not found"):
        call_command("backup", str(tmp_path / "x.dump"), drill=True)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL drill")
@pytest.mark.django_db(transaction=True)
def test_postgresql_drill_restores_drops_the_scratch_database_and_notices_a_lost_row(
    personas, tmp_path
) -> None:
    target, manifest_path = backup(tmp_path / "copy.dump")
    assert restore_drill(target) == []
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["row_counts"]["organisations_organisation"] += 1  # as if the dump lost a row
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    problems = restore_drill(target)
    assert any("organisations_organisation" in p for p in problems)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_database WHERE datname LIKE %s",
            [connection.settings_dict["NAME"][:40] + "_drill_%"],
        )
        assert cursor.fetchone()[0] == 0
