"""Fixtures for the settlement and report tests: orders built directly as rows (amount,
agreement, usage, voucher redemption), so these tests do not depend on the orders and
vouchers services built alongside."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from techbridge.accounts.models import User
from techbridge.organisations.models import Organisation
from techbridge.sharing.models import (
    ApplicationStatus,
    Booking,
    BookingStatus,
    OrderKind,
    OrderStatus,
    ProgrammeStatus,
    RateClass,
    RateUnit,
    Redemption,
    Resource,
    ServiceOrder,
    SharingAgreement,
    UsageRecord,
    Voucher,
    VoucherApplication,
    VoucherProgramme,
)
from techbridge.sharing.tests.conftest import SharingWorld, build_sharing_world

_numbers = itertools.count(1)
TZ = dt.timezone(dt.timedelta(hours=8))


@dataclass
class SettlementWorld:
    w: SharingWorld
    programme: VoucherProgramme
    voucher: Voucher

    def order(
        self,
        amount: str,
        *,
        day: dt.date = dt.date(2026, 3, 10),
        staff: Sequence[User] | None = None,
        voucher: str | None = None,
        status: str = OrderStatus.CONFIRMED,
        customer: Organisation | None = None,
        customer_user: User | None = None,
        agreement: SharingAgreement | bool | None = True,
        resource: Resource | None = None,
        hours: str = "2",
        samples: int | None = None,
        unit: str = RateUnit.HOUR,
        booking_status: str | None = None,
    ) -> ServiceOrder:
        """A priced order of ``amount`` yuan; ``staff`` on its usage record (None → no
        usage staff), ``voucher`` yuan of it paid by the world's voucher."""
        p = self.w.personas
        total = Decimal(amount)
        paid = Decimal(voucher or "0")
        quantity = int(Decimal(hours) * 1000)
        res = resource or self.w.resource
        start = dt.datetime.combine(day, dt.time(9), tzinfo=TZ)
        end = start + dt.timedelta(milliseconds=int(Decimal(hours) * 3_600_000))
        booking = None
        if booking_status is not None:
            booking = Booking.objects.create(
                resource=res,
                booked_by=customer_user or p.owner,
                organisation=customer or p.org,
                starts_at=start,
                ends_at=end,
                status=booking_status,
                rate_class=RateClass.PARTNER_ENTERPRISE,
            )
        order = ServiceOrder.objects.create(
            number=f"FW{next(_numbers):08d}",
            kind=OrderKind.BOOKING if booking else OrderKind.SAMPLE_TESTING,
            booking=booking,
            status=status,
            resource=res,
            customer=customer or p.org,
            customer_user=customer_user or p.owner,
            service_date=day,
            content="SEM 形貌观察",
            rate_class=RateClass.PARTNER_ENTERPRISE,
            unit=unit,
            unit_price=Decimal("180.00"),
            used_quantity_milli=quantity,
            billed_quantity_milli=quantity,
            amount=total,
            voucher_amount=paid,
            enterprise_amount=total - paid,
            agreement=self.w.agreement if agreement is True else (agreement or None),
            priced_at=timezone.now() if status != OrderStatus.DRAFT else None,
            confirmed_at=(
                timezone.now() if status in (OrderStatus.CONFIRMED, OrderStatus.SETTLED) else None
            ),
        )
        usage = UsageRecord.objects.create(
            order=order,
            actual_start=start if samples is None else None,
            actual_end=end if samples is None else None,
            samples=samples,
            quantity_milli=quantity,
            recorded_by=self.w.tech_a,
        )
        if staff:
            usage.staff.set(staff)
        if paid:
            Redemption.objects.create(voucher=self.voucher, order=order, amount=paid)
        return order


def build_settlement_world(w: SharingWorld) -> SettlementWorld:
    p = w.personas
    programme = VoucherProgramme.objects.create(
        name="2026 年首都科技创新券",
        bureau=p.bureau,
        status=ProgrammeStatus.OPEN,
        budget=Decimal("1000000.00"),
        cap_per_enterprise_year=Decimal("200000.00"),
        max_share_bp=5000,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
        issued_total=Decimal("100000.00"),
        used_total=Decimal("50000.00"),
        claimed_total=Decimal("20000.00"),
        paid_total=Decimal("10000.00"),
    )
    application = VoucherApplication.objects.create(
        programme=programme,
        enterprise=p.org,
        applicant=p.owner,
        amount_requested=Decimal("100000.00"),
        amount_approved=Decimal("100000.00"),
        status=ApplicationStatus.APPROVED,
    )
    voucher = Voucher.objects.create(
        code="CXQ2026000001",
        programme=programme,
        enterprise=p.org,
        application=application,
        face_value=Decimal("100000.00"),
        used=Decimal("50000.00"),
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    return SettlementWorld(w=w, programme=programme, voucher=voucher)


__all__ = ["BookingStatus", "SettlementWorld", "build_settlement_world", "build_sharing_world"]
