"""`techbridge serve [--bind ADDR] [--workers N] [--threads N] [--timeout S]` — the
production WSGI server (gunicorn with techbridge's defaults; see core/server.py)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techbridge.core import server


class Command(BaseCommand):
    help = "Serve techbridge with gunicorn (production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port (0.0.0.0:8000)")
        parser.add_argument(
            "--workers", type=int, default=0, help="processes (default 2 × cores + 1, at most 8)"
        )
        parser.add_argument("--threads", type=int, default=4, help="threads per process")
        parser.add_argument("--timeout", type=int, default=60, help="seconds per request")
        parser.add_argument("--access-log", default="-", help="file, '-' (stderr) or ''")
        parser.add_argument(
            "--print-config", action="store_true", help="print the settings and exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings = server.options(
            bind=options["bind"],
            workers=options["workers"] or None,
            threads=options["threads"],
            timeout=options["timeout"],
            access_log=options["access_log"],
        )
        if options["print_config"]:
            plain = {k: v for k, v in settings.items() if isinstance(v, str | int | list)}
            self.stdout.write(json.dumps(plain, indent=2))
            return
        server.serve(settings)
