"""Programme dashboards benchmark (issue 15): the yearly dashboard of each of 10 programmes
over the data volumes of the other benchmarks.

    .venv/bin/python benchmarks/bench_programmes.py                    # SQLite, default sizes
    .venv/bin/python benchmarks/bench_programmes.py --demands 20000 --contracts 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_programmes.py               # PostgreSQL

It works in a database of its own (benchmarks/scratch.py) and never touches var/. The data
are bulk-loaded: 10 programmes (the default one and nine more, each with its own home city
and Beijing or Haidian as partner), demands, registered technology contracts, deals with
their events, matchmaking meetings and signed projects spread over 12 cities (two of them
in no programme) and three years, plus explicit links for 1 % of the demands. Sharing
orders and problem reports are not generated (their figures are counted by the same kind
of grouped query).

Figures, each next to a baseline measured in the same run:
- p50/p95 of the whole dashboard page (``/programmes/<id>/``, rendered, as bureau staff)
  and of the dashboard selector alone, over every programme, several rounds;
- the naive baseline: the same figures computed in Python from every row (what a first
  version that loads the records and attributes them one by one does);
- a check that both give the same numbers for every programme and figure.
Target: the page p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import scratch  # benchmarks/scratch.py: a database of the benchmark's own

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 300.0
YEAR = 2025
CITIES = [
    "520100", "130800", "520200", "520300", "520400",
    "520500", "520600", "522300", "522600", "522700",
    "440300", "330100",
]  # fmt: skip
PARTNERS = ["110108", "110105", "110114", "310104"]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build(args: argparse.Namespace) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from techbridge.accounts.roles import Role
    from techbridge.brokerage.models import Deal, DealEvent, MatchmakingEvent
    from techbridge.catalogue.models import Demand
    from techbridge.codes.services import load_code_lists
    from techbridge.contracts.models import TechnologyContract
    from techbridge.organisations.models import Organisation
    from techbridge.programmes import services
    from techbridge.programmes.models import LinkKind, ProgrammeLink
    from techbridge.projects.models import Batch, Project

    load_code_lists()
    rng = random.Random(15)
    tz = timezone.get_current_timezone()
    User = get_user_model()
    bureau = User.objects.create_user(
        username="bench-bureau",
        password="Bench-Pass-2026!x",  # noqa: S106  (an account of the scratch database)
        role=Role.BUREAU_STAFF,
    )
    bureau.is_staff = True
    bureau.save()
    default = services.default_programme()
    programmes = [
        services.programme_save(
            actor=bureau,
            programme=default,
            name="首都科技条件平台贵阳工作站",
            home_regions="520100",
            partner_regions="11",
        )
    ]
    for i, city in enumerate(CITIES[1:10], 2):
        programmes.append(
            services.programme_save(
                actor=bureau,
                name=f"基准合作项目{i}",
                home_regions=city[:4],
                partner_regions="110108" if i % 2 else "11",
            )
        )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name=f"基准企业{i}", kind="enterprise", region_code=CITIES[i % 12])
            for i in range(600)
        ]
    )
    brokers = [
        User(username=f"bench-broker-{i}", role=Role.BROKER, organisation=orgs[i])
        for i in range(60)
    ]
    User.objects.bulk_create(brokers)
    brokers = list(User.objects.filter(role=Role.BROKER))

    def when(year_span: int = 3) -> dt.datetime:
        day = dt.date(YEAR - rng.randrange(year_span), 1, 1) + dt.timedelta(rng.randrange(365))
        return dt.datetime.combine(day, dt.time(10), tzinfo=tz)

    started = time.perf_counter()
    demands = []
    created: list[dt.datetime] = []
    for i in range(args.demands):
        org = orgs[rng.randrange(len(orgs))]
        status = rng.choice(["published", "published", "submitted", "draft", "withdrawn"])
        at = when()
        created.append(at)
        demands.append(
            Demand(
                owner=org,
                title=f"基准需求{i}",
                summary="s",
                status=status,
                region_code=org.region_code if i % 5 else "",
                channel=rng.choice(["online", "station_visit", "tech_squad", "meeting"]),
                published_at=at if status == "published" else None,
                created_at=at,
            )
        )
    Demand.objects.bulk_create(demands, batch_size=5000)
    # auto_now_add overwrites the value given on insert: set the creation dates afterwards.
    ids = list(Demand.objects.order_by("pk").values_list("pk", flat=True))
    for pk, demand, at in zip(ids, demands, created, strict=True):
        demand.pk, demand.created_at = pk, at
    Demand.objects.bulk_update(demands, ["created_at"], batch_size=5000)
    contracts = []
    for i in range(args.contracts):
        city = CITIES[rng.randrange(12)]
        partner = rng.choice(PARTNERS)
        buyer, seller = (city, partner) if i % 3 else (partner, city)
        at = when()
        fen = rng.randint(1_00, 50_000_000_00)
        contracts.append(
            TechnologyContract(
                registration_number=f"B{i}",
                name=f"基准合同{i}",
                contract_type="development",
                technical_field="electronic_information",
                seller_name="s",
                seller_region=seller,
                buyer_name="b",
                buyer_region=buyer,
                signed_on=at.date(),
                signed_month=at.year * 100 + at.month,
                contract_amount=Decimal(fen) / 100,
                technology_amount=Decimal(fen) / 100,
                status="registered" if i % 10 else "submitted",
                registered_at=at if i % 10 else None,
            )
        )
    TechnologyContract.objects.bulk_create(contracts, batch_size=5000)
    deals = []
    for i in range(args.deals):
        won = i % 4 == 0
        deals.append(
            Deal(
                title=f"基准交易{i}",
                enterprise=orgs[rng.randrange(len(orgs))],
                broker=brokers[rng.randrange(len(brokers))],
                stage="closed" if won else "valuation",
                result="won" if won else "",
                closed_at=when() if won else None,
            )
        )
    Deal.objects.bulk_create(deals, batch_size=5000)
    deal_ids = list(Deal.objects.values_list("pk", flat=True))
    DealEvent.objects.bulk_create(
        [
            DealEvent(deal_id=rng.choice(deal_ids), kind="moved", at=when())
            for _ in range(args.deals * 3)
        ],
        batch_size=5000,
    )
    MatchmakingEvent.objects.bulk_create(
        [
            MatchmakingEvent(
                title=f"基准对接会{i}",
                held_on=when().date(),
                organiser=brokers[i % len(brokers)],
                status="closed",
            )
            for i in range(600)
        ]
    )
    batch = Batch.objects.create(name="基准批次", signed_on=dt.date(YEAR - 2, 1, 1))
    projects = []
    for i in range(args.projects):
        at = when()
        projects.append(
            Project(
                code=f"BP{i:08d}",
                name=f"基准项目{i}",
                batch=batch,
                signed_on=dt.date(YEAR - 3, 1, 1),
                investor_name="投资方",
                region_code=CITIES[i % 12],
                total_investment=Decimal(1000),
                stage="started",
                started_on=at.date(),
            )
        )
    Project.objects.bulk_create(projects, batch_size=5000)
    ProgrammeLink.objects.bulk_create(
        [
            ProgrammeLink(
                programme=programmes[rng.randrange(len(programmes))],
                kind=LinkKind.DEMAND,
                object_id=pk,
            )
            for pk in rng.sample(ids, len(ids) // 100)
        ]
    )
    print(
        f"built in {time.perf_counter() - started:.1f} s: {args.demands:,} demands, "
        f"{args.contracts:,} contracts, {args.deals:,} deals ({args.deals * 3:,} events), "
        f"600 meetings, {args.projects:,} projects, {len(programmes)} programmes"
    )
    return {"programmes": programmes, "bureau": bureau}


def naive(programme: Any, programmes: list[Any]) -> dict[str, tuple[int, list[int]]]:
    """The same figures from every row, attributed and counted in Python."""
    from django.utils import timezone

    from techbridge.brokerage.models import Deal, DealEvent, MatchmakingEvent
    from techbridge.catalogue.models import Demand
    from techbridge.contracts.models import TechnologyContract
    from techbridge.programmes.models import ProgrammeLink
    from techbridge.projects.models import Project

    homes = {p.pk: [r.region_code for r in p.regions.all() if r.role == "home"] for p in programmes}
    partners = {
        p.pk: [r.region_code for r in p.regions.all() if r.role == "partner"] for p in programmes
    }
    links = {(link.kind, link.object_id): link.programme_id for link in ProgrammeLink.objects.all()}

    def by_region(region: str) -> int | None:
        for pk, prefixes in homes.items():
            if any(region.startswith(p) for p in prefixes):
                return pk
        return None

    def mine(kind: str, pk: int, regions: list[str]) -> bool:
        if (kind, pk) in links:
            return links[(kind, pk)] == programme.pk
        region = next((r for r in regions if r), "")
        return by_region(region) == programme.pk

    def month_of(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value)
        return value.month if value.year == YEAR else None

    out: dict[str, tuple[int, list[int]]] = {}

    def add(key: str, month: int | None, counts: dict[str, list[int]]) -> None:
        if month:
            counts.setdefault(key, [0] * 12)[month - 1] += 1

    counts: dict[str, list[int]] = {}
    for d in Demand.objects.select_related("owner").iterator(chunk_size=5000):
        if d.status in ("submitted", "published", "returned", "expired") and mine(
            "demand", d.pk, [d.region_code, d.owner.region_code]
        ):
            add("demands_collected", month_of(d.created_at), counts)
    today = timezone.localdate()
    for e in MatchmakingEvent.objects.select_related("organiser__organisation").iterator():
        org = e.organiser.organisation
        if (
            e.status in ("published", "closed")
            and e.held_on <= today
            and mine("event", e.pk, [org.region_code if org else ""])
        ):
            add("meetings_held", month_of(e.held_on), counts)
    for deal in Deal.objects.select_related("enterprise").iterator(chunk_size=5000):
        if deal.result == "won" and mine("deal", deal.pk, [deal.enterprise.region_code]):
            add("deals_won", month_of(deal.closed_at), counts)
    amount = [0] * 12
    own_partners = partners[programme.pk]
    own_homes = homes[programme.pk]
    for c in TechnologyContract.objects.iterator(chunk_size=5000):
        if c.status != "registered":
            continue
        if ("contract", c.pk) in links and links[("contract", c.pk)] != programme.pk:
            continue
        flow = (
            any(c.buyer_region.startswith(h) for h in own_homes)
            and any(c.seller_region.startswith(p) for p in own_partners)
        ) or (
            any(c.seller_region.startswith(h) for h in own_homes)
            and any(c.buyer_region.startswith(p) for p in own_partners)
        )
        month = month_of(c.registered_at)
        if flow and month:
            add("partner_contracts", month, counts)
            amount[month - 1] += int(c.technology_amount * 100)
    out["partner_contract_amount"] = (sum(amount), amount)
    for p in Project.objects.iterator(chunk_size=5000):
        if mine("project", p.pk, [p.region_code]):
            add("projects_started", month_of(p.started_on), counts)
    brokers: set[int] = set()
    monthly: list[set[int]] = [set() for _ in range(12)]
    for ev in DealEvent.objects.select_related("deal__enterprise").iterator(chunk_size=5000):
        month = month_of(ev.at)
        if month and mine("deal", ev.deal_id, [ev.deal.enterprise.region_code]):
            brokers.add(ev.deal.broker_id)
            monthly[month - 1].add(ev.deal.broker_id)
    out["active_brokers"] = (len(brokers), [len(s) for s in monthly])
    for key, months in counts.items():
        out[key] = (sum(months), months)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--demands", type=int, default=100_000)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    original_url = os.environ.get("DATABASE_URL", "")
    where, pg_name = scratch.setup_database("programmes")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    os.environ["STAFF_REQUIRE_TOTP"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    print(f"database: {where}")
    try:
        call_command("migrate", verbosity=0)
        world = build(args)
        from techbridge.programmes import selectors
        from techbridge.programmes.attribution import forget_programmes

        forget_programmes()
        programmes = list(world["programmes"])
        client = Client()
        client.force_login(world["bureau"])
        page_ms: list[float] = []
        selector_ms: list[float] = []
        for _ in range(args.rounds):
            for programme in programmes:
                t = time.perf_counter()
                response = client.get(f"/programmes/{programme.pk}/?year={YEAR}")
                page_ms.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, response.status_code
                t = time.perf_counter()
                selectors.dashboard(programme, YEAR)
                selector_ms.append((time.perf_counter() - t) * 1000)
        naive_ms: list[float] = []
        mismatches = 0
        for programme in programmes:
            rows = {
                r.metric.key: (r.actual, r.months)
                for r in selectors.dashboard(programme, YEAR)
                if not r.channel
            }
            t = time.perf_counter()
            expected = naive(programme, programmes)
            naive_ms.append((time.perf_counter() - t) * 1000)
            for key, value in expected.items():
                if rows[key] != value:
                    mismatches += 1
                    print(f"MISMATCH {programme.name} {key}: {rows[key]} != {value}")
        print()
        print(f"{'measure':<44}{'p50 ms':>10}{'p95 ms':>10}")
        print(
            f"{'dashboard page (rendered), 10 programmes':<44}"
            f"{statistics.median(page_ms):>10.1f}{_pct(page_ms, 0.95):>10.1f}"
        )
        print(
            f"{'dashboard selector alone':<44}"
            f"{statistics.median(selector_ms):>10.1f}{_pct(selector_ms, 0.95):>10.1f}"
        )
        print(
            f"{'baseline: rows loaded, counted in Python':<44}"
            f"{statistics.median(naive_ms):>10.1f}{_pct(naive_ms, 0.95):>10.1f}"
        )
        ok = _pct(page_ms, 0.95) <= TARGET_MS
        print(
            f"target page p95 ≤ {TARGET_MS:.0f} ms: {'met' if ok else 'MISSED'}; "
            f"figures equal to the baseline's: {'yes' if not mismatches else f'NO ({mismatches})'}"
        )
    finally:
        scratch.clean_up(original_url, pg_name, keep=args.keep)


if __name__ == "__main__":
    main()
