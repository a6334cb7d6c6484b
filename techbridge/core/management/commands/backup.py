"""`techbridge backup [PATH]` — a consistent copy of the database plus its manifest, both
from one snapshot; `--drill` then restores the copy and checks it against the manifest
(SQLite: integrity check, row counts, money totals; PostgreSQL: pg_restore into a scratch
database, row counts, money totals, then the scratch database is dropped)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from techbridge.core.backup import BackupError, backup, restore_drill


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite backup API / pg_dump) with a manifest counted in the "
        "same snapshot; --drill restores the copy and compares it with the manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path)
        parser.add_argument(
            "--drill", action="store_true", help="Restore the copy and compare it afterwards."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        suffix = ".sqlite3" if connection.vendor == "sqlite" else ".dump"
        path = options["path"] or settings.DATA_DIR / "backups" / f"techbridge-{stamp}{suffix}"
        try:
            target, manifest = backup(path)
            self.stdout.write(f"backup: {target}\nmanifest: {manifest}")
            if not options["drill"]:
                return
            problems = restore_drill(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError("restore drill failed")
        if connection.vendor == "sqlite":
            self.stdout.write("drill: integrity ok, row counts and money totals match")
        else:
            self.stdout.write(
                "drill: restored into a scratch database (dropped again), "
                "row counts and money totals match"
            )
