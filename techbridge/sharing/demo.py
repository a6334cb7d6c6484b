"""Demo data for `techbridge setup-demo`: the sharing economy of one Beijing institute.

北京先进材料研究院 (the 'institution' account) shares three instruments, operated by
京筑技术转移服务中心 (the agency of the 'broker' account) under a 60/25/15 agreement with
the 'technician' account as service staff; rates for every rate class; the Guiyang
enterprise (the 'enterprise' account) is qualified on the electron microscope and holds an
innovation voucher of the Guiyang bureau (the 'bureau' account). Last month: bookings used,
priced, partly paid by voucher, confirmed and settled (one issued monthly settlement), and
the agency's reimbursement claim waiting for the bureau; this month and next: bookings
approved, one awaiting approval.

Idempotent: once the first instrument is registered for sharing, nothing is added again.
Everything goes through the services, so events, audit rows and notifications are real.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from techbridge.accounts.models import User
from techbridge.catalogue.models import Instrument, Status
from techbridge.sharing.models import (
    RateClass,
    RateUnit,
    Resource,
    ServiceOrder,
    Voucher,
)
from techbridge.sharing.services import agreements, bookings, orders, resources, settlement
from techbridge.sharing.services import vouchers as voucher_services

ACCOUNTS = ("institution", "technician", "enterprise", "broker", "bureau")
PRICES = {  # yuan per hour: internal, academic, enterprise, partner-region enterprise
    0: ("120.00", "180.00", "300.00", "260.00"),
    1: ("80.00", "120.00", "200.00", "180.00"),
    2: ("150.00", "220.00", "360.00", "320.00"),
}
CLASSES = (
    RateClass.INTERNAL,
    RateClass.ACADEMIC,
    RateClass.ENTERPRISE,
    RateClass.PARTNER_ENTERPRISE,
)
PURPOSES = (
    "铝镁合金压铸件断口形貌观察",
    "镁合金氧化膜物相分析",
    "铝合金熔体杂质元素检测",
    "新型牺牲阳极材料微观组织观察",
)


def load(out: TextIO) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=ACCOUNTS)}
    missing = [name for name in ACCOUNTS if name not in users]
    if missing:
        out.write(f"sharing demo: accounts {', '.join(missing)} missing; skipped\n")
        return
    institution = users["institution"]
    records = list(
        Instrument.objects.filter(
            owner_id=institution.organisation_id,
            external_id__startswith="demo-ins-bj-",
            status=Status.PUBLISHED,
        ).order_by("external_id")
    )
    if not records:
        out.write("sharing demo: the institute's demo instruments are missing; skipped\n")
        return
    if Resource.objects.filter(catalogue_kind="instrument", catalogue_id=records[0].pk).exists():
        out.write("sharing demo: already loaded\n")
        return
    with transaction.atomic():
        summary = _load(users, records)
    out.write(
        "sharing demo: {resources} instruments shared, {bookings} bookings, {orders} orders, "
        "settlement {month} issued ({statements} statements), 1 voucher programme\n".format(
            **summary
        )
    )


def _load(users: dict[str, User], records: list[Instrument]) -> dict[str, Any]:
    institution, technician = users["institution"], users["technician"]
    enterprise, broker, bureau = users["enterprise"], users["broker"], users["bureau"]
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    start = (last_month - dt.timedelta(days=1)).replace(day=1)  # agreement and rates from

    shared: list[Resource] = []
    for n, record in enumerate(records):
        resource = resources.resource_register(
            actor=institution,
            catalogue_kind="instrument",
            catalogue_id=record.pk,
            slot_minutes=30,
            free_cancellation_hours=24,
        )
        for weekday in range(5):
            bookings.opening_hours_add(
                actor=institution,
                resource=resource,
                weekday=weekday,
                opens=dt.time(9),
                closes=dt.time(17, 30),
            )
        for rate_class, price in zip(CLASSES, PRICES[n % 3], strict=True):
            resources.rate_create(
                actor=institution,
                resource=resource,
                rate_class=rate_class,
                unit=RateUnit.HOUR,
                price=Decimal(price),
                minimum_charge=Decimal("100.00"),
                billed_on="used",
                late_cancellation_bp=5000,
                effective_from=start,
            )
        shared.append(resource)
    # The electron microscope is open to qualified users without approval (开放预约); the
    # owner-wide agreement covers the other instruments, whose bookings the owner approves.
    scopes: list[tuple[Resource | None, bool]] = [(shared[0], False), (None, True)]
    agency = broker.organisation
    assert agency is not None  # load() checked the demo accounts
    for scope, approval in scopes:
        agreements.agreement_create(
            actor=institution,
            owner=institution.organisation,
            resource=scope,
            agency=agency,
            owner_share_bp=6000,
            staff_share_bp=2500,
            agency_share_bp=1500,
            valid_from=start,
            staff=[technician],
            requires_approval=approval,
            note="首都科技条件平台共享服务协议（示例）：所有权与经营权分离，收入按 60/25/15 分配。",
        )
    resources.qualification_grant(
        actor=institution,
        resource=shared[0],
        user=enterprise,
        valid_from=start,
        valid_until=today + dt.timedelta(days=365),
        note="扫描电镜上机培训合格（示例）",
    )

    programme = voucher_services.programme_create(
        actor=bureau,
        name=f"贵阳市科技创新券（{today.year} 年度）",
        description=(
            "支持贵阳企业使用首都科技条件平台的仪器设备和技术服务，最多抵扣订单金额的 50%。"
        ),
        budget="500000.00",
        cap_per_enterprise_year="50000.00",
        max_share_bp=5000,
        eligible_kinds=["instrument", "lab", "service"],
        eligible_regions=["52"],
        valid_from=start,
        valid_until=dt.date(today.year, 12, 31) + dt.timedelta(days=90),
    )
    voucher_services.programme_open(actor=bureau, programme=programme)
    application = voucher_services.application_submit(
        actor=enterprise,
        programme=programme,
        amount_requested="20000.00",
        purpose="压铸件失效分析与新材料研发测试",
    )
    voucher = voucher_services.application_approve(
        actor=bureau, application=application, amount="10000.00", note="同意，按 1 万元发放。"
    )
    # The voucher was issued at the start of last month, so last month's orders may use it.
    Voucher.objects.filter(pk=voucher.pk).update(valid_from=start)
    voucher.refresh_from_db()

    tz = ZoneInfo(settings.TIME_ZONE)
    made = 0
    served: list[ServiceOrder] = []
    # Last month: two or three bookings a week of the microscope, used, priced, paid in part
    # by voucher.
    days = [last_month + dt.timedelta(days=d) for d in range(31)]
    days = [d for d in days if d.month == last_month.month and d.weekday() < 5][::2]
    for n, day in enumerate(days):
        resource = shared[0]
        begins = dt.datetime.combine(day, dt.time(9 + (n % 3) * 2), tzinfo=tz)
        booking = bookings.booking_create(
            actor=enterprise,
            resource=resource,
            starts_at=begins,
            ends_at=begins + dt.timedelta(hours=2),
            purpose=PURPOSES[n % len(PURPOSES)],
            now=begins - dt.timedelta(days=3),
        )
        made += 1
        order = orders.order_from_booking(actor=technician, booking=booking)
        used = dt.timedelta(minutes=90 + (n % 4) * 10)
        order = orders.usage_record(
            actor=technician,
            order=order,
            actual_start=begins + dt.timedelta(minutes=5),
            actual_end=begins + dt.timedelta(minutes=5) + used,
            staff=[technician],
            note="",
        )
        if n % 2 == 0:
            voucher_services.apply_voucher(actor=enterprise, order=order, voucher=voucher)
            order.refresh_from_db()
        order = orders.order_confirm(actor=enterprise, order=order)
        served.append(order)
    run = settlement.settle_month(actor=bureau, month=last_month)
    redemptions = [r for o in served for r in o.redemptions.filter(released_at__isnull=True)]
    if redemptions:
        voucher_services.claim_submit(
            actor=broker,
            redemptions=redemptions,
            invoice_number=f"FP{last_month:%Y%m}0001",
        )

    # This month and next: approved bookings ahead, and one request awaiting approval.
    now = timezone.now()
    ahead = [today + dt.timedelta(days=d) for d in range(1, 22)]
    ahead = [d for d in ahead if d.weekday() < 5][::3]
    for n, day in enumerate(ahead):
        begins = dt.datetime.combine(day, dt.time(10 if n % 2 else 14), tzinfo=tz)
        booking = bookings.booking_create(
            actor=enterprise,
            resource=shared[n % len(shared)] if n % 3 else shared[1],
            starts_at=begins,
            ends_at=begins + dt.timedelta(hours=2),
            purpose=PURPOSES[(n + 1) % len(PURPOSES)],
            now=now,
        )
        made += 1
        if n and booking.status == "requested":
            bookings.booking_approve(actor=institution, booking=booking, note="")
    return {
        "resources": len(shared),
        "bookings": made,
        "orders": len(served),
        "month": f"{last_month:%Y-%m}",
        "statements": run.statements,
    }
