"""`techbridge topic-model [--sample N]` — (re)train the topic model behind the ``topical``
signal of more-like-this from the indexed records (matching.topics; nightly job
``matching.topic_model``)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Train the topic model of more-like-this from the search index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sample", type=int, help="records to train on at most")

    def handle(self, *args: Any, **options: Any) -> None:
        from techbridge.matching import topics

        t0 = time.perf_counter()
        model, read = topics.train_from_index(sample=options.get("sample"))
        self.stdout.write(
            f"topic model: {len(model.vocabulary):,} words from {read:,} records "
            f"in {time.perf_counter() - t0:.1f} s → {topics.directory()}"
        )
