"""`techbridge scheduler [--once]`: enqueue due periodic jobs (every second), for
deployments that run workers with --no-scheduler. Any number may run: each occurrence is
enqueued by exactly one of them."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techbridge.jobs import scheduler
from techbridge.jobs.worker import close_stale_connections, worker_name


class Command(BaseCommand):
    help = "Enqueue the periodic jobs that are due (loop, or --once)."
    # Long-running: no URLconf or system checks at start (the web process runs them).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one tick, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between ticks")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        owner = worker_name()
        while True:
            fired = scheduler.tick(owner=owner)
            close_stale_connections()
            if fired and options["verbosity"]:
                self.stdout.write("scheduler: enqueued " + ", ".join(fired))
            if options["once"] or stop.wait(options["interval"]):
                break
