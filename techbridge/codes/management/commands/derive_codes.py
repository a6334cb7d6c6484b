"""``manage.py derive_codes [--source DIR] [--output DIR]`` — rebuild codes/data/ fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from techbridge.codes.derivation import DATA_DIR, DerivationError, derive


def default_source() -> Path:
    """The shared source tables next to the repository: ``<repo>/../shared/data/codes``."""
    return (Path(settings.BASE_DIR) / ".." / "shared" / "data" / "codes").resolve()


class Command(BaseCommand):
    help = (
        "Derive the code-list fixtures in techbridge/codes/data/ from the public source "
        "tables (GB/T 2260, GB/T 4754-2017, ISO 3166-1). Development tool: the platform "
        "reads only the derived files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source",
            type=Path,
            default=None,
            help="directory with the source CSV files (default: <repo>/../shared/data/codes)",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=DATA_DIR,
            help="directory for the fixtures (default: the app's data/ directory)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"] or default_source()
        try:
            report = derive(source, options["output"])
        except (DerivationError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Fixtures written to {options['output']}"))
