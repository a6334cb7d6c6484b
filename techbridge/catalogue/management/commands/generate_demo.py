"""`techbridge generate-demo --scale N`: add N synthetic published achievements in bulk
(for load and scale tests), spread over the demo organisations and all technical fields.
Each run adds new rows (external ids continue after the last synthetic one)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record_many
from techbridge.catalogue.demo_text import TOPICS, achievement_text
from techbridge.catalogue.models import Achievement, Status
from techbridge.core import context
from techbridge.organisations.models import Organisation, OrganisationKind

BATCH = 5000


class Command(BaseCommand):
    help = "Add N synthetic published achievements for load tests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, required=True, help="How many to add.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if scale <= 0:
            raise CommandError("--scale must be a positive number")
        owners = list(
            Organisation.objects.filter(
                kind__in=[
                    OrganisationKind.UNIVERSITY,
                    OrganisationKind.RESEARCH_INSTITUTE,
                    OrganisationKind.LABORATORY,
                ]
            ).order_by("id")
        )
        if not owners:
            raise CommandError("no institutions: run `techbridge setup-demo` first")
        rng = random.Random(options["seed"])
        start = Achievement.objects.filter(external_id__startswith="syn-").count()
        now = timezone.now()
        token = context.bind(context.RequestInfo(channel="cli"))
        show = not options["no_progress"] and options["verbosity"] > 0
        try:
            with tqdm(total=scale, unit=" rows", disable=not show) as bar:
                for first in range(start, start + scale, BATCH):
                    last = min(first + BATCH, start + scale)
                    rows = [self._row(i, owners, rng, now) for i in range(first, last)]
                    with transaction.atomic():
                        Achievement.objects.bulk_create(rows, batch_size=1000)
                        audit_record_many(
                            AuditEventType.CREATE,
                            actor=None,
                            objects=rows,
                            detail={"via": "generate-demo"},
                        )
                    bar.update(len(rows))
        finally:
            context.reset(token)
        self.stdout.write(
            f"{scale} synthetic achievements added; run the search reindex to index them."
        )

    @staticmethod
    def _row(i: int, owners: list[Organisation], rng: random.Random, now: Any) -> Achievement:
        topic = TOPICS[i % len(TOPICS)]
        title, summary = achievement_text(topic, i // len(TOPICS))
        owner = owners[i % len(owners)]
        return Achievement(
            owner=owner,
            external_id=f"syn-{i:08d}",
            title=f"{title}（第 {i} 号）",
            summary=summary,
            keywords=list(topic.keywords),
            technical_field=topic.field,
            discipline=topic.discipline,
            trl=1 + i % 9,
            transfer_modes=["transfer", "licence"][: 1 + i % 2],
            asking_price=Decimal(rng.randrange(1, 10**6)) if i % 3 else None,  # type: ignore[misc]
            price_negotiable=i % 3 == 0,
            region_code=owner.region_code,
            status=Status.PUBLISHED,
            published_at=now - timedelta(days=i % 900),
        )
