"""Backups that are consistent while the platform writes, and a restore drill.

SQLite: ``VACUUM INTO`` writes a transactionally consistent copy (never copy the live file).
PostgreSQL: ``pg_dump --format=custom``. Next to each backup goes a manifest — row counts
per table and yearly money totals per amount column — and the drill recomputes both on the
restored copy and compares.
"""

from __future__ import annotations

import json
import re
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
    counts = {}
    for table in _tables():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names from models
        counts[table] = cursor.fetchone()[0]
    totals: dict[str, dict[str, dict[str, int]]] = {}
    for table, columns, date_col in _money_models():
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


def backup(target: Path) -> tuple[Path, Path]:
    """Write a consistent backup to ``target`` and its manifest beside it."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    manifest = current_manifest()
    if connection.vendor == "sqlite":
        if target.exists():
            target.unlink()
        # VACUUM INTO reads one consistent snapshot while others keep writing (WAL), and
        # writes a compact copy. It must run outside a transaction.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
    elif connection.vendor == "postgresql":
        settings = connection.settings_dict
        command = [
            "pg_dump",
            "--format=custom",
            "--file",
            str(target),
            "--host",
            settings.get("HOST") or "localhost",
            "--port",
            str(settings.get("PORT") or 5432),
            "--username",
            settings.get("USER") or "postgres",
            settings["NAME"],
        ]
        env = {"PGPASSWORD": settings.get("PASSWORD") or ""}
        subprocess.run(command, check=True, env=env)  # noqa: S603 - fixed program, our args
    else:  # pragma: no cover
        raise RuntimeError(f"no backup method for {connection.vendor}")
    manifest_path = target.with_suffix(target.suffix + ".manifest.json")
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return target, manifest_path


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
    manifest = json.loads(Path(f"{backup_path}.manifest.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    with open_copy(backup_path) as copy:
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            problems.append(f"integrity_check: {check}")
        restored = manifest_from_cursor(copy.cursor(), "sqlite")
    for table, count in manifest["row_counts"].items():
        if restored["row_counts"].get(table) != count:
            problems.append(f"{table}: {restored['row_counts'].get(table)} rows, manifest {count}")
    if restored["money_fen_by_year"] != manifest["money_fen_by_year"]:
        problems.append("money totals differ from the manifest")
    return problems
