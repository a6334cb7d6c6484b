"""`techbridge index-check [--fix] [--json]` — this node's index against the published
records, after applying the change log: lists differences (exit 1 on any), prints this
node's cursor and lag and the other nodes' cursors."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techbridge.search import indexing
from techbridge.search.models import IndexCursor

SIDES = (("not in the index", "missing"), ("in the index, not public", "extra"))


class Command(BaseCommand):
    help = "List differences between the published records and this node's search index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="Re-sync the differing records.")
        parser.add_argument("--show", type=int, default=20, help="ids listed per kind and side")
        parser.add_argument("--json", action="store_true", help="the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        report = indexing.check(fix=options["fix"])
        problems = sum(len(d["missing"]) + len(d["extra"]) for d in report["differences"].values())
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self._print(report, options["show"])
        if problems and not options["fix"]:
            self.stderr.write(
                f"{problems} differences; run `techbridge index-check --fix` "
                "or `techbridge reindex`"
            )
            sys.exit(1)
        if not options["json"]:
            self.stdout.write(
                "index matches the database" if not problems else f"fixed {problems} differences"
            )

    def _print(self, report: dict[str, Any], show: int) -> None:
        self.stdout.write(
            f"node {report['node']}: generation {report['generation']}, "
            f"cursor {report['cursor']} (all applied up to {report['position']}, "
            f"{report['gaps']} gaps), log at {report['latest']}, "
            f"lag {report['lag']} changes / {report['lag_seconds']:.1f} s"
        )
        for other in IndexCursor.objects.exclude(node=report["node"]).order_by("node"):
            self.stdout.write(
                f"  other node {other.node}: at {other.position}, "
                f"seen {other.updated_at:%Y-%m-%d %H:%M:%S}"
            )
        for kind, sides in report["differences"].items():
            for label, key in SIDES:
                ids = sides[key]
                if ids:
                    shown = ", ".join(str(i) for i in ids[:show])
                    more = " …" if len(ids) > show else ""
                    self.stdout.write(f"{kind}: {len(ids)} {label}: {shown}{more}")
