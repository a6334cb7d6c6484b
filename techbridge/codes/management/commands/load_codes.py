"""``manage.py load_codes`` (``techbridge load-codes``) — load every code list; safe to rerun."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from techbridge.codes.services import code_list_names, load_code_lists


class Command(BaseCommand):
    help = (
        "Load the standard code lists (GB/T 2260 regions, GB/T 4754-2017 industries, "
        "ISO 3166-1 countries and the small fixed lists) from the fixtures shipped with "
        "techbridge, and the official holiday calendar (节假日安排, from the installed "
        "chinese-calendar package). Idempotent: a second run reports every row as unchanged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            action="append",
            choices=code_list_names(),
            metavar="LIST",
            help="load only this list (repeatable): " + ", ".join(code_list_names()),
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="delete rows of the loaded editions that are no longer in the fixtures",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity: int = options["verbosity"]
        bars: dict[str, tqdm[Any]] = {}

        def progress(list_name: str, done: int, total: int) -> None:
            if verbosity < 1:
                return
            bar = bars.get(list_name)
            if bar is None:
                # Progress goes to stderr (and only to a terminal: disable=None) so the
                # summary on stdout stays clean in logs and pipes.
                bar = bars[list_name] = tqdm(
                    total=total,
                    desc=f"{list_name:<18}",
                    unit="row",
                    leave=False,
                    file=sys.stderr,
                    disable=None,
                )
            bar.update(done - bar.n)

        started = time.perf_counter()
        try:
            results = load_code_lists(
                only=options["only"], prune=options["prune"], progress=progress
            )
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for bar in bars.values():
                bar.close()
        elapsed = time.perf_counter() - started
        if verbosity < 1:
            return
        header = f"{'list':<18} {'edition':<30} {'created':>8} {'updated':>8} {'unchanged':>9}"
        self.stdout.write(header + f" {'stale':>6}")
        for result in results.values():
            self.stdout.write(
                f"{result.list_name:<18} {result.edition:<30} {result.created:>8} "
                f"{result.updated:>8} {result.unchanged:>9} {result.stale:>6}"
            )
        stale = sum(r.stale for r in results.values())
        deleted = sum(r.deleted for r in results.values())
        if deleted:
            self.stdout.write(self.style.WARNING(f"{deleted} stale row(s) deleted (--prune)."))
        elif stale:
            self.stdout.write(
                self.style.WARNING(
                    f"{stale} row(s) are no longer in the fixtures and were kept; review them "
                    "and rerun with --prune to delete them."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Code lists loaded in {elapsed:.1f} s."))
