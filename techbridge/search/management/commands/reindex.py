"""`techbridge reindex [KIND ...]` — rebuild the search index from the published records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from techbridge.search import follower, indexing


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the database (all kinds, or the kinds named). "
        "Searches keep answering from the old index until the new one is complete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kinds", nargs="*", help="achievement, expert, …, demand (default: all)"
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--workers", type=int, default=1, help="tokenising processes (e.g. the CPU count)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = indexing.all_kinds()
        kinds = options["kinds"] or None
        for kind in kinds or ():
            if kind not in known:
                raise CommandError(f"unknown kind {kind!r}; choose from: {', '.join(known)}")
        total = sum(indexing.public_count(k) for k in (kinds or known))
        show = not options["no_progress"] and options["verbosity"] > 0
        with tqdm(total=total, desc="reindex", unit=" records", disable=not show) as bar:
            count = indexing.rebuild(kinds, progress=bar.update, workers=options["workers"])
        # Changes logged during the rebuild: applied here unless this node's follower runs.
        follower.apply_pending()
        self.stdout.write(f"indexed {count} records ({', '.join(kinds or known)})")
