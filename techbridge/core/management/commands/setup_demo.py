"""Load the demo world (organisations, accounts for every role, and each app's records).
Safe to run again: loaders skip what already exists."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from techbridge.core.demo import LOADERS


class Command(BaseCommand):
    help = "Create the demo world (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in LOADERS:
            import_string(path)(self.stdout)
