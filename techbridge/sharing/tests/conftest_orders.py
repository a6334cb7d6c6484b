"""Helpers for the order tests, on top of the lead's sharing world (tests/conftest.py):

- bookings written straight into the table (the bookings part is tested on its own);
- a second resource, the institution's technical service 「材料成分检测」, priced per sample
  (partner-region enterprises 350.50 yuan per sample, minimum 100 yuan), operated by the
  same agency 60/25/15 with ``tech_a`` as its staff;
- a data resource priced per day of access.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from techbridge.catalogue.models import DataResource, ServiceOffering, Status
from techbridge.sharing.models import (
    AgreementStaff,
    BilledOn,
    Booking,
    BookingStatus,
    Rate,
    RateClass,
    RateUnit,
    Resource,
    ResourceKind,
    SharingAgreement,
)
from techbridge.sharing.selectors.agreements import rate_class_for
from techbridge.sharing.tests.conftest import SharingWorld, build_sharing_world

TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def make_booking(
    world: SharingWorld,
    day: dt.date,
    start: tuple[int, int] = (9, 0),
    end: tuple[int, int] = (11, 0),
    *,
    user: Any = None,
    status: str = BookingStatus.APPROVED,
    resource: Resource | None = None,
) -> Booking:
    user = user or world.personas.owner
    resource = resource or world.resource
    return Booking.objects.create(
        resource=resource,
        booked_by=user,
        organisation=user.organisation,
        starts_at=at(day, *start),
        ends_at=at(day, *end),
        status=status,
        rate_class=rate_class_for(user.organisation, resource),
        purpose="扫描电镜形貌观察",
    )


def _side_resource(world: SharingWorld, kind: str, record: Any) -> Resource:
    resource = Resource.objects.create(
        kind=kind,
        catalogue_kind=record.KIND,
        catalogue_id=record.pk,
        name=str(record),
        technical_field="new_materials",
        region_code="110000",
        owner=world.personas.institution,
    )
    agreement = SharingAgreement.objects.create(
        resource=resource,
        owner=world.personas.institution,
        agency=world.agency,
        owner_share_bp=6000,
        staff_share_bp=2500,
        agency_share_bp=1500,
        valid_from=dt.date(2026, 1, 1),
    )
    AgreementStaff.objects.create(agreement=agreement, user=world.tech_a)
    return resource


@dataclass
class OrderWorld:
    world: SharingWorld
    service: Resource
    data: Resource

    def __getattr__(self, name: str) -> Any:
        return getattr(self.world, name)


def build_order_world(personas: Any) -> OrderWorld:
    world = build_sharing_world(personas)
    inst = personas.institution
    offering = ServiceOffering.objects.create(
        owner=inst,
        title="材料成分检测",
        technical_field="new_materials",
        region_code="110000",
        status=Status.PUBLISHED,
        published_at=timezone.now(),
    )
    service = _side_resource(world, ResourceKind.SERVICE, offering)
    Rate.objects.create(
        resource=service,
        rate_class=RateClass.PARTNER_ENTERPRISE,
        unit=RateUnit.SAMPLE,
        price=Decimal("350.50"),
        minimum_charge=Decimal("100.00"),
        billed_on=BilledOn.USED,
        effective_from=dt.date(2026, 1, 1),
    )
    dataset = DataResource.objects.create(
        owner=inst,
        title="京津冀大气监测数据集",
        technical_field="environment",
        region_code="110000",
        status=Status.PUBLISHED,
        published_at=timezone.now(),
    )
    data = _side_resource(world, ResourceKind.DATA, dataset)
    Rate.objects.create(
        resource=data,
        rate_class=RateClass.PARTNER_ENTERPRISE,
        unit=RateUnit.DAY,
        price=Decimal("80.00"),
        billed_on=BilledOn.BOOKED,
        effective_from=dt.date(2026, 1, 1),
    )
    return OrderWorld(world=world, service=service, data=data)


@pytest.fixture(name="ow")
def ow_fixture(personas: Any) -> OrderWorld:
    return build_order_world(personas)
