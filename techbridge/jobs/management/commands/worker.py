"""`techbridge worker [--burst]`: run queued jobs (and, unless --no-scheduler, the
periodic ones). SIGTERM/SIGINT finish the current job and exit; --burst exits once
nothing is due. With JOBS_BROKER_URL set it runs the outbox relay and a Dramatiq worker
(ADR 0007)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techbridge.jobs import conf, registry
from techbridge.jobs.backends import DramatiqBackend, get_backend


class Command(BaseCommand):
    help = "Process background jobs (database queue, or Dramatiq with JOBS_BROKER_URL)."
    # Long-running: no URLconf or system checks at start (the web process runs them).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="exit when nothing is due")
        parser.add_argument("--batch", type=int, default=None, help="jobs claimed at a time")
        parser.add_argument("--threads", type=int, default=None, help="broker mode: threads")
        parser.add_argument(
            "--no-scheduler", action="store_true", help="do not enqueue periodic jobs here"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def graceful(signum: int, frame: Any) -> None:
            stop.set()

        previous = {sig: signal.signal(sig, graceful) for sig in (signal.SIGTERM, signal.SIGINT)}
        url = conf.broker_url()
        backend = DramatiqBackend(url, threads=options["threads"]) if url else get_backend("")
        batch = options["batch"] or int(conf.get("JOBS_BATCH"))
        registry.autodiscover()
        for hook in registry.worker_start_hooks():
            hook(options["burst"])
        if options["verbosity"] > 1:
            self.stdout.write(f"worker: {backend.name} backend, batch {batch}")
        try:
            count = backend.run(
                stop=stop,
                burst=options["burst"],
                batch=batch,
                with_scheduler=not options["no_scheduler"],
            )
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if options["verbosity"]:
            self.stdout.write(f"worker: {count} job(s) claimed ({backend.name})")
