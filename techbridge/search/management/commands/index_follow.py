"""`techbridge index-follow [--once]` — apply the index change log to this node's index
(SEARCH_INDEX_DIR): until stopped, or with ``--once`` what is there now. A node with no
valid cursor is rebuilt first. Web processes and `techbridge worker` follow by themselves;
this is for nodes that serve searches from another process, cron-style deployments and
tests."""

from __future__ import annotations

import contextlib
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from techbridge.search import follower


class Command(BaseCommand):
    help = "Apply the search index change log to this node's index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="apply what is logged, exit")
        parser.add_argument(
            "--wait", type=float, default=60.0, help="--once: seconds to wait for the lock"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            deadline = time.monotonic() + options["wait"]
            while (applied := follower.apply_pending()) < 0:
                if time.monotonic() > deadline:
                    raise CommandError("another process of this node is the follower")
                time.sleep(0.1)
            follower.publish_cursor(force=True)
            state = follower.status()
            self.stdout.write(
                f"applied {applied} changes; cursor {state['cursor']}, lag {state['lag']}"
            )
            return
        self.stdout.write(f"following the change log for {follower.status()['node']}")
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends following, quietly
            follower.follow()
