"""`techbridge search "文本" [--kind K] [--limit N] [--json]` — the API's results, printed."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from techbridge.search import selectors


class Command(BaseCommand):
    help = "Search the published records (as anonymous visitors would)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text")
        parser.add_argument("--kind", action="append", default=[], help="repeatable")
        parser.add_argument("--field", default="", help="technical field code")
        parser.add_argument("--region", default="", help="GB/T 2260 code or prefix")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            page = selectors.search(
                q=options["text"],
                kinds=options["kind"],
                technical_field=options["field"],
                region=options["region"],
                limit=options["limit"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if options["json"]:
            body = {"count": page.total, "results": [r.as_dict() for r in page.results]}
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            return
        if not page.results:
            self.stdout.write("no results")
            return
        for n, r in enumerate(page.results, 1):
            self.stdout.write(f"{n:>2}. [{r.kind} {r.id}] {r.title}  (score {r.score:.2f})")
            self.stdout.write(f"    matched: {' '.join(r.terms)}")
        self.stdout.write(f"{page.total} matching records")
