"""Fixtures for the voucher tests: the sharing world plus an open programme of the personas'
bureau, and orders written straight into the table (the orders part is tested on its own).

- programme 2026 贵州创新券: budget 100,000, cap 50,000 per enterprise and year, a voucher
  pays at most 50 % of an order, instruments and labs only, enterprises of Guizhou (52);
- orders: sample testing on the world's instrument for 甲企业, priced (or confirmed),
  under the world's 60/25/15 agreement — so the agency 京科服务中心 is the provider that
  claims.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from techbridge.accounts.models import User
from techbridge.core.testing import Personas
from techbridge.organisations.models import Organisation
from techbridge.sharing.models import (
    OrderKind,
    OrderStatus,
    ProgrammeStatus,
    RateClass,
    ServiceOrder,
    Voucher,
    VoucherProgramme,
)
from techbridge.sharing.services import vouchers as services
from techbridge.sharing.tests.conftest import SharingWorld, build_sharing_world

_numbers = itertools.count(1)


def programme_data(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "name": "贵州省科技创新券",
        "description": "支持中小企业使用首都科技条件平台的仪器设备。",
        "budget": "100000.00",
        "cap_per_enterprise_year": "50000.00",
        "max_share_bp": 5000,
        "eligible_kinds": ["instrument", "lab"],
        "eligible_regions": ["52"],
        "valid_from": today - dt.timedelta(days=60),
        "valid_until": today + dt.timedelta(days=300),
    }
    data.update(overrides)
    return data


@dataclass
class VoucherWorld:
    world: SharingWorld
    personas: Personas
    programme: VoucherProgramme

    @property
    def agency(self) -> Organisation:
        return self.world.agency

    @property
    def agency_member(self) -> User:
        return self.world.agency_member

    def order(
        self,
        amount: str = "1000.00",
        *,
        status: str = OrderStatus.PRICED,
        customer: Organisation | None = None,
        customer_user: User | None = None,
        service_date: dt.date | None = None,
    ) -> ServiceOrder:
        now = timezone.now()
        confirmed = status in (OrderStatus.CONFIRMED, OrderStatus.SETTLED)
        return ServiceOrder.objects.create(
            number=f"T{next(_numbers):08d}",
            kind=OrderKind.SAMPLE_TESTING,
            status=status,
            resource=self.world.resource,
            customer=customer or self.personas.org,
            customer_user=customer_user or self.personas.owner,
            service_date=service_date or timezone.localdate() - dt.timedelta(days=10),
            content="样品形貌表征",
            rate_class=RateClass.PARTNER_ENTERPRISE,
            amount=Decimal(amount),
            enterprise_amount=Decimal(amount),
            agreement=self.world.agreement,
            priced_at=now,
            confirmed_at=now if confirmed else None,
        )

    def issue(
        self,
        amount: str = "1000.00",
        *,
        applicant: User | None = None,
        programme: VoucherProgramme | None = None,
    ) -> Voucher:
        application = services.application_submit(
            actor=applicant or self.personas.owner,
            programme=programme or self.programme,
            amount_requested=amount,
        )
        return services.application_approve(actor=self.personas.staff, application=application)

    def confirm(self, order: ServiceOrder) -> ServiceOrder:
        ServiceOrder.objects.filter(pk=order.pk).update(
            status=OrderStatus.CONFIRMED, confirmed_at=timezone.now()
        )
        order.refresh_from_db()
        return order


def build_voucher_world(personas: Personas) -> VoucherWorld:
    world = build_sharing_world(personas)
    programme = services.programme_create(actor=personas.staff, **programme_data())
    programme = services.programme_open(actor=personas.staff, programme=programme)
    assert programme.status == ProgrammeStatus.OPEN
    return VoucherWorld(world=world, personas=personas, programme=programme)


@pytest.fixture(name="vw")
def vw_fixture(personas: Personas) -> VoucherWorld:
    return build_voucher_world(personas)
