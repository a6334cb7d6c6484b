"""Backups that are consistent while the platform writes, and a restore drill.

Next to each backup goes a manifest — row counts per table and yearly money totals per
amount column — counted in the same snapshot of the database as the copy, and the drill
recomputes both on the restored copy and compares.

SQLite: one read transaction counts the manifest and copies the database through the
backup API (never copy the live file). PostgreSQL: a REPEATABLE READ transaction exports
its snapshot, counts the manifest, and ``pg_dump --format=custom --snapshot`` dumps that
snapshot; the drill restores the dump into a scratch database with ``pg_restore`` and
drops it afterwards.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection

from techbridge.core.money import MoneyField

_DATE_FIELDS = ("signed_on", "registered_at", "created_at")


def _money_models() -> list[tuple[str, list[str], str | None]]:
    found = []
    for model in apps.get_models():
        money = [str(f.column) for f in model._meta.concrete_fields if isinstance(f, MoneyField)]
        if not money:
            continue
        names = {f.name: str(f.column) for f in model._meta.concrete_fields}
        date_col = next((names[n] for n in _DATE_FIELDS if n in names), None)
        found.append((model._meta.db_table, money, date_col))
    return found


def _tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed})


def manifest_from_cursor(cursor: Any, vendor: str) -> dict[str, Any]:
    """Row counts and yearly sums (integer fen) computed with plain SQL, so the same code
    reads the live database and a restored copy."""
    # Only tables that exist here: a copy that lacks one then fails the comparison (its
    # count is missing) instead of crashing it, and an unmigrated database still backs up.
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    present = {row[0] for row in cursor.fetchall()}
    counts = {}
    for table in (t for t in _tables() if t in present):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names from models
        counts[table] = cursor.fetchone()[0]
    totals: dict[str, dict[str, dict[str, int]]] = {}
    for table, columns, date_col in _money_models():
        if table not in present:
            continue
        year = "'all'"
        if date_col:
            year = (
                f"strftime('%Y', \"{date_col}\")"
                if vendor == "sqlite"
                else f"to_char(\"{date_col}\", 'YYYY')"
            )
        sums = ", ".join(f'COALESCE(SUM("{c}"), 0)' for c in columns)
        cursor.execute(f'SELECT {year}, {sums} FROM "{table}" GROUP BY 1')  # noqa: S608
        per_column: dict[str, dict[str, int]] = defaultdict(dict)
        for row in cursor.fetchall():
            for column, value in zip(columns, row[1:], strict=True):
                per_column[column][str(row[0])] = int(value)
        totals[table] = dict(per_column)
    return {"row_counts": counts, "money_fen_by_year": totals}


def current_manifest() -> dict[str, Any]:
    with connection.cursor() as cursor:
        return manifest_from_cursor(cursor, connection.vendor)


class BackupError(RuntimeError):
    """A backup or drill could not run (a program is missing, pg_dump failed, …)."""


def _write_manifest(target: Path, manifest: dict[str, Any]) -> Path:
    manifest_path = target.with_suffix(target.suffix + ".manifest.json")
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return manifest_path


def backup(target: Path) -> tuple[Path, Path]:
    """Write a consistent backup to ``target`` and its manifest beside it; the manifest is
    counted in the same snapshot of the database as the copy, so a drill matches it
    exactly however much the site writes meanwhile."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    if connection.vendor == "sqlite":
        manifest = _backup_sqlite(target)
    elif connection.vendor == "postgresql":
        manifest = _backup_postgresql(target)
    else:  # pragma: no cover
        raise BackupError(f"no backup method for {connection.vendor}")
    return target, _write_manifest(target, manifest)


def _backup_sqlite(target: Path) -> dict[str, Any]:
    """Count and copy inside one read transaction. In WAL mode a read transaction sees one
    snapshot from its first read to its end, and the backup API, run on the same
    connection, copies exactly that snapshot while writers go on (``VACUUM INTO`` cannot
    run inside a transaction, so it cannot share the manifest's snapshot)."""
    connection.ensure_connection()
    if connection.in_atomic_block:  # pragma: no cover - a caller's bug, not a state
        raise BackupError("backup must not run inside a transaction")
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.execute("BEGIN DEFERRED")  # not IMMEDIATE: readers never block writers
        try:
            manifest = manifest_from_cursor(source.cursor(), "sqlite")
            source.backup(copy)
        finally:
            source.execute("COMMIT")
        # The copy is one self-contained file, openable read-only without a -wal/-shm.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    return manifest


# --- PostgreSQL -------------------------------------------------------------------------


DEBIAN_PG_LIB = Path("/usr/lib/postgresql")


def pg_program(name: str) -> str:
    """Path of a PostgreSQL client program: in ``$PG_BIN_DIR``, on ``PATH``, or in
    Debian's ``/usr/lib/postgresql/<version>/bin`` (newest first)."""
    folder = os.environ.get("PG_BIN_DIR")
    candidates = [str(Path(folder) / name)] if folder else []
    found = shutil.which(name)
    if found:
        candidates.append(found)
    versions = sorted(
        DEBIAN_PG_LIB.glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    candidates += [str(p) for p in versions]
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(
        f"{name} not found: install the PostgreSQL client programs (e.g. "
        f"`apt-get install postgresql-client`, the same major version as the server or "
        f"newer) or set PG_BIN_DIR to the folder that holds {name}"
    )


def _pg_params(dbname: str | None = None) -> dict[str, Any]:
    params = dict(connection.get_connection_params())
    if dbname is not None:
        params["dbname"] = dbname
    return params


def _pg_connect(dbname: str | None = None, **options: Any) -> Any:
    import psycopg

    params = _pg_params(dbname)
    for django_only in ("cursor_factory", "context"):  # plain psycopg cursors and types here
        params.pop(django_only, None)
    return psycopg.connect(**params, **options)


def _pg_cli(program: str, *args: str, dbname: str) -> None:
    """Run a client program against ``dbname`` with this site's host, port and user."""
    settings = connection.settings_dict
    command = [
        pg_program(program),
        "--no-password",
        "--host",
        settings.get("HOST") or "localhost",
        "--port",
        str(settings.get("PORT") or 5432),
        "--username",
        settings.get("USER") or "postgres",
        *args,
        "--dbname" if program == "pg_restore" else "",
        dbname,
    ]
    command = [c for c in command if c]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    result = subprocess.run(  # noqa: S603 - a PostgreSQL program, our arguments
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed ({result.returncode}): {result.stderr.strip()[-800:]}")


def _backup_postgresql(target: Path) -> dict[str, Any]:
    """Export the snapshot of a REPEATABLE READ transaction, count the manifest in that
    transaction and let pg_dump read the same snapshot (``--snapshot``) while it is open."""
    pg_program("pg_dump")  # fail before opening anything when the program is missing
    with _pg_connect(autocommit=True) as live:  # autocommit: the BEGIN below is ours
        live.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        live.execute("SET LOCAL TIME ZONE 'UTC'")  # money by year: years in UTC
        snapshot = live.execute("SELECT pg_export_snapshot()").fetchone()[0]
        manifest = manifest_from_cursor(live.cursor(), "postgresql")
        _pg_cli(
            "pg_dump",
            "--format=custom",
            f"--snapshot={snapshot}",
            "--file",
            str(target),
            dbname=connection.settings_dict["NAME"],
        )
        live.execute("ROLLBACK")
    return manifest


def restore_drill_postgresql(dump_path: Path) -> list[str]:
    """Restore the dump into a scratch database, compare it with its manifest and drop
    the scratch database; return the differences (empty = the drill passed)."""
    from psycopg import sql

    manifest = _read_manifest(dump_path)
    pg_program("pg_restore")
    base = str(connection.settings_dict["NAME"])[:40]
    scratch = f"{base}_drill_{secrets.token_hex(4)}"
    with _pg_connect("postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(scratch))
        )
        try:
            _pg_cli(
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",  # any error fails the drill, nothing half-restored
                str(dump_path),
                dbname=scratch,
            )
            with _pg_connect(scratch, autocommit=True) as copy:
                copy.execute("SET TIME ZONE 'UTC'")
                restored = manifest_from_cursor(copy.cursor(), "postgresql")
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch))
            )
    return compare_manifests(manifest, restored)


def restore_drill(backup_path: Path) -> list[str]:
    """The drill for this site's database: SQLite or PostgreSQL."""
    if connection.vendor == "postgresql":
        return restore_drill_postgresql(backup_path)
    return restore_drill_sqlite(backup_path)


def _read_manifest(backup_path: Path) -> dict[str, Any]:
    return json.loads(Path(f"{backup_path}.manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def compare_manifests(expected: dict[str, Any], restored: dict[str, Any]) -> list[str]:
    """Differences between a manifest and the one recounted on a restored copy."""
    problems = []
    for table, count in expected["row_counts"].items():
        if restored["row_counts"].get(table) != count:
            problems.append(f"{table}: {restored['row_counts'].get(table)} rows, manifest {count}")
    for table, columns in expected["money_fen_by_year"].items():
        if restored["money_fen_by_year"].get(table) != columns:
            problems.append(
                f"{table}: money by year {restored['money_fen_by_year'].get(table)}, "
                f"manifest {columns}"
            )
    return problems


def open_copy(path: Path) -> sqlite3.Connection:
    """Open a SQLite backup read-only with the REGEXP function that Django provides to its
    own connections (check constraints use it, so PRAGMA integrity_check needs it)."""
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    copy.create_function(
        "REGEXP",
        2,
        lambda pattern, value: value is not None and re.search(pattern, str(value)) is not None,
        deterministic=True,
    )
    return copy


def restore_drill_sqlite(backup_path: Path) -> list[str]:
    """Open the SQLite copy, check its integrity and compare it with its manifest; return
    the differences (empty = the drill passed)."""
    manifest = _read_manifest(backup_path)
    problems: list[str] = []
    with open_copy(backup_path) as copy:
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            problems.append(f"integrity_check: {check}")
        restored = manifest_from_cursor(copy.cursor(), "sqlite")
    return problems + compare_manifests(manifest, restored)
