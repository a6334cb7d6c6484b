"""`techbridge import KIND FILE [--dry-run] [--org ORG] [--publish]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from techbridge.core import context
from techbridge.imports import registry
from techbridge.imports.services import import_file, mark_stale_runs_failed


class Command(BaseCommand):
    help = (
        "Import a CSV, XLSX or JSONL file: every row is checked first; a valid file is "
        "written in chunks (an interrupted import resumes when the same file is re-run)."
    )

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
        parser.add_argument(
            "--chunk-rows",
            type=int,
            help="Fixed rows per write transaction (default: at most 2,000, about 0.3 s "
            "each). Large values suit a load while nobody else writes (ADR 0006).",
        )

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
            # Runs killed earlier (import_file checks too; saying so here tells the operator).
            stale = mark_stale_runs_failed()
            if stale:
                self.stderr.write(
                    f"{stale} interrupted import run(s) marked failed; re-run their files "
                    "to resume"
                )
            show = not options["no_progress"] and options["verbosity"] > 0
            with tqdm(desc=f"{kind}: validating", unit=" rows", disable=not show) as bar:
                report = import_file(
                    importer,
                    path,
                    dry_run=options["dry_run"],
                    progress=lambda n: bar.update(n),
                    chunk_rows=options.get("chunk_rows"),
                )
        finally:
            context.reset(token)
        for error in report.errors[:200]:
            where = f"row {error.row}" if error.row else "file"
            self.stderr.write(f"{where}, column {error.column or '-'}: {error.message}")
        if len(report.errors) > 200:
            self.stderr.write(f"… and {len(report.errors) - 200} more errors")
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError("import failed; nothing was imported")
