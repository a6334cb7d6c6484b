"""`techbridge backup [PATH]` — a consistent copy of the database plus its manifest;
`--drill` then checks the copy (SQLite: integrity check, row counts, money totals)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from techbridge.core.backup import backup, restore_drill_sqlite


class Command(BaseCommand):
    help = "Back up the database (SQLite VACUUM INTO / pg_dump) with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path)
        parser.add_argument("--drill", action="store_true", help="Verify the copy afterwards.")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        suffix = ".sqlite3" if connection.vendor == "sqlite" else ".dump"
        path = options["path"] or settings.DATA_DIR / "backups" / f"techbridge-{stamp}{suffix}"
        target, manifest = backup(path)
        self.stdout.write(f"backup: {target}\nmanifest: {manifest}")
        if options["drill"]:
            if connection.vendor != "sqlite":
                self.stdout.write(
                    "drill: restore the dump with pg_restore into a scratch "
                    "database and compare with the manifest (docs/operations.md)"
                )
                return
            problems = restore_drill_sqlite(target)
            for problem in problems:
                self.stderr.write(problem)
            if problems:
                raise CommandError("restore drill failed")
            self.stdout.write("drill: integrity ok, row counts and money totals match")
