"""Issue 11 acceptance, end to end through the services: a Guiyang enterprise books a
Beijing instrument → the owner approves → staff record usage → the order is priced by the
rate in force → a voucher pays its share → the month is settled → owner, staff and agency
statements add up to the order total to the fen → the agency's claim is approved and paid
by the bureau → the figures appear in the utilisation and voucher reports. Every step
leaves events and audit rows.

The clock is moved (``timezone.now`` patched) so the month can be settled after its end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from techbridge.audit.models import AuditEvent
from techbridge.sharing.models import (
    BookingEvent,
    BookingStatus,
    ClaimStatus,
    OrderEvent,
    OrderStatus,
    PartyKind,
    Rate,
    RateClass,
    RateUnit,
    Statement,
    VoucherEvent,
)
from techbridge.sharing.selectors import reports
from techbridge.sharing.services import bookings, orders, settlement, vouchers

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dt.datetime], None]]:
    now = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: now[0])

    def set_to(moment: dt.datetime) -> None:
        now[0] = moment

    yield set_to


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def test_book_use_price_pay_settle_claim_report(sharing_world, clock) -> None:
    w, p = sharing_world, sharing_world.personas
    monday = dt.date(2026, 10, 12)
    # A rate change in the middle of the month: the order gets the rate of its service day.
    Rate.objects.filter(pk=w.rates[RateClass.PARTNER_ENTERPRISE].pk).update(
        effective_until=dt.date(2026, 10, 9)
    )
    Rate.objects.create(
        resource=w.resource,
        rate_class=RateClass.PARTNER_ENTERPRISE,
        unit=RateUnit.HOUR,
        price=Decimal("181.37"),
        minimum_charge=Decimal("50.00"),
        billed_on="used",
        effective_from=dt.date(2026, 10, 10),
    )

    # The bureau opens a voucher programme; the enterprise applies and gets a voucher.
    clock(at(dt.date(2026, 10, 1), 9))
    programme = vouchers.programme_create(
        actor=p.staff,
        name="贵州省科技创新券 2026",
        budget="100000.00",
        cap_per_enterprise_year="50000.00",
        max_share_bp=5000,
        eligible_kinds=["instrument"],
        eligible_regions=["52"],
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    vouchers.programme_open(actor=p.staff, programme=programme)
    application = vouchers.application_submit(
        actor=p.owner, programme=programme, amount_requested="2000.00", purpose="电镜测试"
    )
    voucher = vouchers.application_approve(
        actor=p.staff, application=application, amount="1000.00", note=""
    )
    assert voucher.face_value == Decimal("1000.00")

    # The enterprise books two hours; the owner approves.
    booking = bookings.booking_create(
        actor=p.owner,
        resource=w.resource,
        starts_at=at(monday, 10),
        ends_at=at(monday, 12),
        purpose="SEM 断口形貌观察",
        now=at(dt.date(2026, 10, 1), 9),
    )
    assert booking.status == BookingStatus.REQUESTED and not booking.assisted
    booking = bookings.booking_approve(actor=p.researcher, booking=booking, note="")
    assert booking.status == BookingStatus.APPROVED

    # Staff record 1 h 50 min of use; the order is priced by the rate in force on 12 Oct.
    clock(at(monday, 12, 30))
    order = orders.order_from_booking(actor=w.tech_a, booking=booking)
    order = orders.usage_record(
        actor=w.tech_a,
        order=order,
        actual_start=at(monday, 10, 5),
        actual_end=at(monday, 11, 55),
        staff=[w.tech_a, w.tech_b],
        note="",
    )
    assert order.status == OrderStatus.PRICED
    # Quantities are kept to 1/1000 of the unit: 110 min = 1.833 h, and the page shows
    # 181.37 × 1.833 = 332.45121 → 332.45 (half up, once), which anyone can recompute.
    assert order.unit_price == Decimal("181.37")
    assert order.billed_quantity_milli == 1833
    assert order.amount == Decimal("332.45")

    # The voucher pays its share (≤ 50 %), the enterprise the rest; the customer confirms.
    vouchers.apply_voucher(actor=p.owner, order=order, voucher=voucher)
    order.refresh_from_db()
    assert order.voucher_amount == Decimal("166.22")  # floor of 50 % to the fen
    assert order.enterprise_amount == Decimal("166.23")
    order = orders.order_confirm(actor=p.owner, order=order)
    assert order.status == OrderStatus.CONFIRMED

    # November: the bureau settles October.
    clock(at(dt.date(2026, 11, 2), 9))
    result = settlement.settle_month(actor=p.staff, month=dt.date(2026, 10, 1))
    assert result.created
    again = settlement.settle_month(actor=p.staff, month=dt.date(2026, 10, 1))
    assert not again.created and again.statements == result.statements
    order.refresh_from_db()
    assert order.status == OrderStatus.SETTLED

    statements = {(s.party_kind, s.organisation_id, s.user_id): s for s in Statement.objects.all()}
    owner = statements[(PartyKind.OWNER, p.institution.pk, None)]
    agency = statements[(PartyKind.AGENCY, w.agency.pk, None)]
    staff_a = statements[(PartyKind.STAFF, None, w.tech_a.pk)]
    staff_b = statements[(PartyKind.STAFF, None, w.tech_b.pk)]
    # 332.45 by 60/25/15: exact 199.47, 83.1125, 49.8675 → floors leave one fen, which goes
    # to the largest remainder (the agency): 199.47 + 83.11 + 49.87 = 332.45.
    parts = [owner.total, staff_a.total + staff_b.total, agency.total]
    assert sum(parts) == order.amount
    assert owner.total == Decimal("199.47") and agency.total == Decimal("49.87")
    assert staff_a.total + staff_b.total == Decimal("83.11")
    assert {staff_a.total, staff_b.total} == {Decimal("41.56"), Decimal("41.55")}
    programme_statement = Statement.objects.get(party_kind=PartyKind.PROGRAMME)
    assert programme_statement.total == order.voucher_amount

    # The agency claims the voucher part; the bureau approves and pays.
    redemption = order.redemptions.get()
    claim = vouchers.claim_submit(
        actor=w.agency_member, redemptions=[redemption], invoice_number="FP-2026-1101"
    )
    claim = vouchers.claim_approve(actor=p.staff, claim=claim, note="")
    claim = vouchers.claim_pay(actor=p.staff, claim=claim, reference="转账 2026-11-05")
    assert claim.status == ClaimStatus.PAID
    programme.refresh_from_db()
    assert (programme.issued_total, programme.used_total) == (Decimal("1000.00"), Decimal("166.22"))
    assert (programme.claimed_total, programme.paid_total) == (Decimal("166.22"), Decimal("166.22"))

    # The reports show it.
    period = reports.Period(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    use = reports.utilisation(user=p.staff, period=period)
    row = next(r for r in use.rows if r.resource_id == w.resource.pk)
    assert row.effective_hours == Decimal("1.83") and row.external_hours == Decimal("1.83")
    assert row.share_rate == Decimal("100.0")
    figures = {r.programme.pk: r for r in reports.voucher_figures(user=p.staff)}
    assert figures[programme.pk].settled == Decimal("166.22")

    # Every step left its events and audit rows.
    assert set(BookingEvent.objects.filter(booking=booking).values_list("kind", flat=True)) >= {
        "requested",
        "approved",
    }
    kinds = set(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert {"created", "usage_recorded", "voucher_applied", "confirmed", "settled"} <= kinds
    assert VoucherEvent.objects.filter(programme=programme).count() >= 6
    assert AuditEvent.objects.filter(object_type__startswith="sharing").count() >= 8
