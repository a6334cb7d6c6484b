"""Sharing settlement benchmark (issue 11): the monthly settlement of 100,000 orders.

    .venv/bin/python benchmarks/bench_sharing_settlement.py                   # SQLite
    .venv/bin/python benchmarks/bench_sharing_settlement.py --orders 20000    # quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_sharing_settlement.py               # PostgreSQL

It works in a database of its own: a new SQLite file in a temporary data directory, or a
new PostgreSQL database ``tb_bench_settle_<pid>`` next to the one DATABASE_URL names,
dropped at the end. var/ is never touched.

Figures, next to a baseline measured in the same run:
- ``settle_month`` of N confirmed orders (random amounts from 0.01 to 50,000 yuan, 500
  resources under agreements with random ratios, 0–3 staff on the usage record, about a
  third paid partly by voucher). Target: ≤ 60 s for 100,000 on SQLite.
- Exactness, printed: for every statement its total equals the exact ``Decimal`` sum of
  its lines; owner + staff + agency statements equal the exact ``Decimal`` sum of the
  order amounts (summed in Python), programme statements the sum of the voucher parts,
  and every order's lines add up to its amount to the fen.
- Baseline: the naive settlement a first version would write — per order: load it,
  split, ``get_or_create`` the party's statement, ``create`` each line, ``save()`` the
  order, an event and an audit row — on a sample of orders in a rolled-back
  transaction, extrapolated to N.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

import scratch  # benchmarks/scratch.py: a database of the benchmark's own

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_database() -> tuple[str, str | None]:
    return scratch.setup_database("settle")


def build_world(n_orders: int, seed: int = 11) -> None:
    """Organisations, users, resources, agreements, vouchers and N confirmed orders of
    March 2026, written with bulk_create (set-up, not measured)."""
    import datetime as dt

    from django.utils import timezone

    from techbridge.accounts.models import User
    from techbridge.accounts.roles import Role
    from techbridge.organisations.models import Organisation, OrganisationKind
    from techbridge.sharing.models import (
        AgreementStaff,
        ApplicationStatus,
        OrderKind,
        OrderStatus,
        RateClass,
        RateUnit,
        Redemption,
        Resource,
        ResourceKind,
        ServiceOrder,
        SharingAgreement,
        UsageRecord,
        Voucher,
        VoucherApplication,
        VoucherProgramme,
    )

    rng = random.Random(seed)
    kinds = OrganisationKind
    owners = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"研究院 {i:03d}", kind=kinds.RESEARCH_INSTITUTE, region_code="110000"
            )
            for i in range(50)
        ]
    )
    agencies = Organisation.objects.bulk_create(
        [
            Organisation(name=f"服务中心 {i}", kind=kinds.AGENCY, region_code="110000")
            for i in range(5)
        ]
    )
    customers = Organisation.objects.bulk_create(
        [
            Organisation(name=f"企业 {i:04d}", kind=kinds.ENTERPRISE, region_code="520100")
            for i in range(2000)
        ]
    )
    bureau = Organisation.objects.create(name="科技局", kind=kinds.GOVERNMENT, region_code="520100")
    staff = User.objects.bulk_create(
        [
            User(username=f"tech{i:03d}", role=Role.INSTITUTION_MEMBER, organisation=owners[i % 50])
            for i in range(200)
        ]
    )
    buyers = User.objects.bulk_create(
        [
            User(username=f"buyer{i:04d}", role=Role.ENTERPRISE_MEMBER, organisation=customers[i])
            for i in range(2000)
        ]
    )
    resources = Resource.objects.bulk_create(
        [
            Resource(
                kind=ResourceKind.INSTRUMENT,
                catalogue_kind="instrument",
                catalogue_id=i + 1,
                name=f"仪器 {i:03d}",
                region_code="110000",
                owner=owners[i % 50],
            )
            for i in range(500)
        ]
    )
    agreements = []
    for resource in resources:
        a, b = sorted(rng.randint(0, 10_000) for _ in range(2))
        agreements.append(
            SharingAgreement(
                resource=resource,
                owner=resource.owner,
                agency=rng.choice(agencies),
                owner_share_bp=a,
                staff_share_bp=b - a,
                agency_share_bp=10_000 - b,
                valid_from=dt.date(2026, 1, 1),
            )
        )
    agreements = SharingAgreement.objects.bulk_create(agreements)
    staff_of: dict[int, list[User]] = {}
    links = []
    for agreement, resource in zip(agreements, resources, strict=True):
        pool = [u for u in staff if u.organisation_id == resource.owner_id]
        chosen = rng.sample(pool, rng.randint(0, 2))
        staff_of[agreement.pk] = pool
        links += [AgreementStaff(agreement=agreement, user=u) for u in chosen]
    AgreementStaff.objects.bulk_create(links)
    programmes = VoucherProgramme.objects.bulk_create(
        [
            VoucherProgramme(
                name=f"创新券 {i}",
                bureau=bureau,
                budget=Decimal("100000000.00"),
                cap_per_enterprise_year=Decimal("200000.00"),
                max_share_bp=5000,
                valid_from=dt.date(2026, 1, 1),
                valid_until=dt.date(2026, 12, 31),
                issued_total=Decimal("50000000.00"),
                used_total=Decimal("20000000.00"),
            )
            for i in range(3)
        ]
    )
    applications = VoucherApplication.objects.bulk_create(
        [
            VoucherApplication(
                programme=programmes[i % 3],
                enterprise=customers[i],
                applicant=buyers[i],
                amount_requested=Decimal("100000.00"),
                status=ApplicationStatus.APPROVED,
            )
            for i in range(300)
        ]
    )
    vouchers = Voucher.objects.bulk_create(
        [
            Voucher(
                code=f"CXQ{i:08d}",
                programme=app.programme,
                enterprise=app.enterprise,
                application=app,
                face_value=Decimal("100000.00"),
                valid_from=dt.date(2026, 1, 1),
                valid_until=dt.date(2026, 12, 31),
            )
            for i, app in enumerate(applications)
        ]
    )
    now = timezone.now()
    orders, plans = [], []
    for i in range(n_orders):
        k = rng.randrange(500)
        fen = rng.choice([rng.randint(1, 100), rng.randint(1, 5_000_000)])
        buyer = rng.randrange(2000)
        voucher_fen = (
            rng.randint(1, fen // 2) if fen > 1 and buyer < 300 and rng.random() < 0.9 else 0
        )
        amount, voucher = Decimal(fen) / 100, Decimal(voucher_fen) / 100
        orders.append(
            ServiceOrder(
                number=f"FW{i:09d}",
                kind=OrderKind.SAMPLE_TESTING,
                status=OrderStatus.CONFIRMED,
                resource=resources[k],
                customer=customers[buyer],
                customer_user=buyers[buyer],
                service_date=dt.date(2026, 3, 1 + i % 31),
                rate_class=RateClass.PARTNER_ENTERPRISE,
                unit=RateUnit.SAMPLE,
                amount=amount,
                voucher_amount=voucher,
                enterprise_amount=amount - voucher,
                agreement=agreements[k],
                priced_at=now,
                confirmed_at=now,
            )
        )
        plans.append((k, buyer, voucher_fen))
    orders = ServiceOrder.objects.bulk_create(orders, batch_size=2000)
    usages = UsageRecord.objects.bulk_create(
        [
            UsageRecord(order=o, samples=1, quantity_milli=1000, recorded_by=staff[0])
            for o in orders
        ],
        batch_size=5000,
    )
    through = UsageRecord.staff.through
    rows = []
    for usage, (k, _buyer, _v) in zip(usages, plans, strict=True):
        pool = staff_of[agreements[k].pk]
        for user in rng.sample(pool, min(len(pool), rng.choice([0, 0, 1, 1, 2, 3]))):
            rows.append(through(usagerecord_id=usage.pk, user_id=user.pk))
    through.objects.bulk_create(rows, batch_size=5000)
    by_customer = {v.enterprise_id: v for v in vouchers}
    Redemption.objects.bulk_create(
        [
            Redemption(voucher=by_customer[customers[buyer].pk], order=o, amount=Decimal(v) / 100)
            for o, (_k, buyer, v) in zip(orders, plans, strict=True)
            if v
        ],
        batch_size=5000,
    )


def naive_settlement(sample: int) -> float:
    """Seconds per order of a per-row settlement (in a transaction rolled back)."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from techbridge.audit.models import AuditEventType
    from techbridge.audit.services import audit_record
    from techbridge.core.events import record_event
    from techbridge.core.money import from_fen, to_fen
    from techbridge.sharing.models import OrderEvent, OrderStatus, ServiceOrder
    from techbridge.sharing.models.settlement import SettlementRun, Statement, StatementLine
    from techbridge.sharing.split import split_amount

    ids = list(ServiceOrder.objects.order_by("pk").values_list("pk", flat=True)[:sample])
    started = time.perf_counter()
    with transaction.atomic():
        run = SettlementRun.objects.create(month=dt.date(2026, 3, 1))
        counter = 0
        for pk in ids:
            order = ServiceOrder.objects.select_related("agreement").get(pk=pk)
            agreement = order.agreement
            assert agreement is not None
            staff = list(order.usage.staff.order_by("pk")) or list(agreement.staff.order_by("pk"))
            weights = [
                agreement.owner_share_bp,
                agreement.staff_share_bp,
                agreement.agency_share_bp,
            ]
            parts = split_amount(to_fen(order.amount), weights)  # type: ignore[arg-type]
            targets = [("owner", {"organisation": agreement.owner}, parts[0])]
            if staff:
                for user, part in zip(staff, split_amount(parts[1], [1] * len(staff)), strict=True):
                    targets.append(("staff", {"user": user}, part))
            else:
                parts[2] += parts[1]
            targets.append(("agency", {"organisation": agreement.agency}, parts[2]))
            for kind, party, part in targets:
                statement = Statement.objects.filter(run=run, party_kind=kind, **party).first()
                if statement is None:
                    counter += 1
                    statement = Statement.objects.create(
                        run=run,
                        number=f"N{counter:08d}",
                        party_kind=kind,
                        issued_at=timezone.now(),
                        **party,
                    )
                StatementLine.objects.create(
                    statement=statement,
                    order=order,
                    order_amount=order.amount,
                    amount=from_fen(part),
                )
            order.status = OrderStatus.SETTLED
            order.settled_at = timezone.now()
            order.save()
            record_event(OrderEvent, subject=order, actor=None, kind="settled")
            audit_record(AuditEventType.TRANSITION, actor=None, obj=order)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed / max(1, len(ids))


def verify(run_id: int) -> None:
    """Exact checks of every statement against the orders, in Python Decimals."""
    from collections import defaultdict

    from techbridge.sharing.models import Redemption, ServiceOrder
    from techbridge.sharing.models.settlement import PartyKind, Statement, StatementLine

    order_total = sum(
        (
            a
            for a in ServiceOrder.objects.filter(settlement_month="2026-03-01").values_list(
                "amount", flat=True
            )
        ),
        Decimal(0),
    )
    voucher_total = sum(
        (
            a
            for a in Redemption.objects.filter(released_at__isnull=True).values_list(
                "amount", flat=True
            )
        ),
        Decimal(0),
    )
    line_sums: dict[int, Decimal] = defaultdict(Decimal)
    per_order: dict[int, Decimal] = defaultdict(Decimal)
    kinds = dict(Statement.objects.filter(run_id=run_id).values_list("pk", "party_kind"))
    for statement_id, order_id, amount in (
        StatementLine.objects.filter(statement__run_id=run_id)
        .values_list("statement_id", "order_id", "amount")
        .iterator(chunk_size=20000)
    ):
        line_sums[statement_id] += amount
        if kinds[statement_id] != PartyKind.PROGRAMME:
            per_order[order_id] += amount
    statements = list(
        Statement.objects.filter(run_id=run_id).values_list("pk", "party_kind", "total")
    )
    mismatched = [pk for pk, _k, total in statements if total != line_sums[pk]]
    income = sum((t for _pk, k, t in statements if k != PartyKind.PROGRAMME), Decimal(0))
    programme = sum((t for _pk, k, t in statements if k == PartyKind.PROGRAMME), Decimal(0))
    amounts = dict(
        ServiceOrder.objects.filter(settlement_month="2026-03-01").values_list("pk", "amount")
    )
    bad_orders = sum(1 for pk, amount in amounts.items() if per_order[pk] != amount)
    print(
        f"  statements: {len(statements):,}; each total = exact Decimal sum of its lines: "
        f"{'yes' if not mismatched else f'NO ({len(mismatched)} differ)'}"
    )
    same = "equal" if income == order_total else "DIFFERENT"
    print(
        f"  owner + staff + agency statements: {income} yuan; exact Decimal sum of the "
        f"{len(amounts):,} orders: {order_total} yuan → {same}"
    )
    print(
        f"  programme statements: {programme} yuan; voucher parts: {voucher_total} yuan → "
        f"{'equal' if programme == voucher_total else 'DIFFERENT'}"
    )
    print(f"  orders whose lines do not add up to the order to the fen: {bad_orders}")
    if mismatched or income != order_total or programme != voucher_total or bad_orders:
        raise SystemExit("settlement totals are not exact")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=500, help="orders for the naive baseline")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    original_url = os.environ.get("DATABASE_URL", "")
    description, pg_name = setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        print(f"database: {description}; orders: {args.orders:,}; load average {os.getloadavg()}")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        build_world(args.orders)
        print(f"built the world in {time.perf_counter() - started:.1f} s (not measured)")

        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

        per_order = naive_settlement(args.sample)
        import datetime as dt

        from techbridge.sharing.services.settlement import settle_month

        started = time.perf_counter()
        result = settle_month(actor=None, month=dt.date(2026, 3, 1))
        elapsed = time.perf_counter() - started
        run = result.run
        print(
            f"settle_month: {run.orders:,} orders, {result.statements:,} statements, "
            f"{result.lines:,} lines in {elapsed:.1f} s ({run.orders / elapsed:,.0f} orders/s; "
            f"target ≤ 60 s for 100,000 on SQLite)"
        )
        print(
            f"baseline, naive per-order ORM settlement ({args.sample} orders, rolled back, "
            f"extrapolated): {per_order * 1000:.2f} ms/order → {per_order * args.orders:,.0f} s "
            f"for {args.orders:,} ({per_order * args.orders / elapsed:,.0f}× slower)"
        )
        again = time.perf_counter()
        second = settle_month(actor=None, month=dt.date(2026, 3, 1))
        print(
            f"second run of the month: created={second.created}, "
            f"{time.perf_counter() - again:.3f} s (nothing new issued)"
        )
        verify(run.pk)
        print(f"load average at the end {os.getloadavg()} (other work on the machine skews times)")
    finally:
        scratch.clean_up(original_url, pg_name, keep=args.keep)


if __name__ == "__main__":
    main()
