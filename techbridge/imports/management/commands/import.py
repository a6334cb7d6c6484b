"""`techbridge import KIND FILE [--dry-run] [--org ORG] [--publish]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from techbridge.core import context
from techbridge.imports import registry
from techbridge.imports.services import import_file


class Command(BaseCommand):
    help = "Import a CSV, XLSX or JSONL file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", help="What the file holds: " + ", ".join(registry.importer_kinds())
        )
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Validate and count only.")
        parser.add_argument("--org", help="Owner for rows without one: external id, USCC or name.")
        parser.add_argument("--publish", action="store_true", help="Publish valid rows (staff).")
        parser.add_argument(
            "--as-user", help="Account the import is done as (for the audit trail)."
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        try:
            importer_class = registry.importer_class(kind)
        except KeyError:
            raise CommandError(
                f"unknown kind {kind!r}; choose from: {', '.join(registry.importer_kinds())}"
            ) from None
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = None
        if options.get("as_user"):
            actor = get_user_model().objects.filter(username=options["as_user"]).first()
            if actor is None:
                raise CommandError(f"no such account: {options['as_user']}")
        importer = importer_class(
            actor=actor,
            options={"org": options.get("org"), "publish": options["publish"], "cli": True},
        )
        token = context.bind(context.RequestInfo(channel="cli"))
        try:
            show = not options["no_progress"] and options["verbosity"] > 0
            with tqdm(desc=f"{kind}: validating", unit=" rows", disable=not show) as bar:
                report = import_file(
                    importer, path, dry_run=options["dry_run"], progress=lambda n: bar.update(n)
                )
        finally:
            context.reset(token)
        for error in report.errors[:200]:
            where = f"row {error.row}" if error.row else "file"
            self.stderr.write(f"{where}, column {error.column or '-'}: {error.message}")
        if len(report.errors) > 200:
            self.stderr.write(f"… and {len(report.errors) - 200} more errors")
        if report.unknown_columns:
            self.stderr.write("ignored columns: " + ", ".join(report.unknown_columns))
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError("import failed; nothing was imported")
