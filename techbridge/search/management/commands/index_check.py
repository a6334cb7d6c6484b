"""`techbridge index-check` — compare the index with the published records; exit 1 on any
difference (and list them)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techbridge.search import indexing


class Command(BaseCommand):
    help = "List differences between the published records and the search index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="Re-sync the differing records.")
        parser.add_argument("--show", type=int, default=20, help="ids listed per kind and side")

    def handle(self, *args: Any, **options: Any) -> None:
        indexing.flush()
        problems = 0
        for kind in indexing.all_kinds():
            missing, extra = indexing.differences(kind)
            for label, ids in (("not in the index", missing), ("in the index, not public", extra)):
                if ids:
                    problems += len(ids)
                    shown = ", ".join(str(i) for i in sorted(ids)[: options["show"]])
                    more = " …" if len(ids) > options["show"] else ""
                    self.stdout.write(f"{kind}: {len(ids)} {label}: {shown}{more}")
            if options["fix"] and (missing or extra):
                indexing.sync_records(kind, missing | extra)
        if problems and not options["fix"]:
            self.stderr.write(
                f"{problems} differences; run `techbridge index-check --fix` "
                "or `techbridge reindex`"
            )
            sys.exit(1)
        self.stdout.write(
            "index matches the database" if not problems else f"fixed {problems} differences"
        )
