"""`techbridge expire-demands`: mark published demands past their expiry as expired.
Safe to run often (cron, systemd timer); a demand renewed meanwhile is left alone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from techbridge.catalogue.services import demands_expire_due
from techbridge.core import context


class Command(BaseCommand):
    help = "Expire published demands whose listing date has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        token = context.bind(context.RequestInfo(channel="cli"))
        try:
            count = demands_expire_due()
        finally:
            context.reset(token)
        if options["verbosity"]:
            self.stdout.write(f"{count} demand(s) expired")
