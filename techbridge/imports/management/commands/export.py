"""`techbridge export KIND FILE` — CSV, XLSX or JSONL by the file's extension."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.imports import registry
from techbridge.imports.exports import write_file


class Command(BaseCommand):
    help = "Export records (staff view: everything, personal data masked)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="One of: " + ", ".join(registry.exporter_kinds()))
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            export = registry.exporter(options["kind"])
        except KeyError:
            raise CommandError(
                f"unknown kind {options['kind']!r}; choose from: "
                f"{', '.join(registry.exporter_kinds())}"
            ) from None
        headers, rows = export(user=None)
        count = write_file(options["file"], headers, rows)
        audit_record(
            AuditEventType.EXPORT,
            object_type=f"export.{options['kind']}",
            object_repr=options["file"].name,
            detail={"rows": count},
        )
        self.stdout.write(f"{count} rows written to {options['file']}")
