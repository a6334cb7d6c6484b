"""`techbridge relay`: broker mode only — send committed queued jobs to the broker, for
deployments that run the relay apart from the workers (`techbridge worker` runs one too)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from techbridge.jobs import conf, worker
from techbridge.jobs.backends import DramatiqBackend


class Command(BaseCommand):
    help = "Relay queued jobs from the outbox table to the Dramatiq broker."
    # Long-running: no URLconf or system checks at start (the web process runs them).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="exit when nothing is queued")

    def handle(self, *args: Any, **options: Any) -> None:
        url = conf.broker_url()
        if not url:
            raise CommandError("JOBS_BROKER_URL is not set: the database queue needs no relay")
        backend = DramatiqBackend(url)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        owner = worker.worker_name()
        total = 0
        try:
            while not stop.is_set():
                sent = backend.relay_once(owner=owner, limit=int(conf.get("JOBS_BATCH")))
                total += sent
                worker.close_stale_connections()
                if not sent and (options["burst"] or stop.wait(0.2)):
                    break
        finally:
            backend.broker.close()
        if options["verbosity"]:
            self.stdout.write(f"relay: {total} job(s) sent")
