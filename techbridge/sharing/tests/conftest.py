"""The sharing world every part's tests start from, built directly on the models (so one
part's tests do not depend on another part's services):

- the personas' institution 丙研究院 (Beijing, 110000) owns a published instrument, shared as
  a Resource open Monday–Friday 09:00–17:00, one-hour steps allowed down to 30 minutes;
- 京科服务中心 (an agency) operates it under a 60/25/15 agreement from 2026-01-01, with two
  service staff (institution members ``tech_a`` and ``tech_b``) and an agency member;
- rates from 2026-01-01: internal 100, academic 150, enterprise 200,
  partner-region enterprise 180 yuan per hour, billed on time used, minimum 50 yuan;
- the personas' enterprise 甲企业 (Guiyang, 520100) pays the partner-region rate; its
  member ``owner`` holds a valid qualification for the instrument.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.catalogue.models import Instrument, Status
from techbridge.core.testing import Personas, make_organisation, make_user
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.sharing.models import (
    AgreementStaff,
    BilledOn,
    OpeningHours,
    Qualification,
    Rate,
    RateClass,
    RateUnit,
    Resource,
    ResourceKind,
    SharingAgreement,
)

START = dt.date(2026, 1, 1)


@dataclass
class SharingWorld:
    personas: Personas
    instrument: Instrument
    resource: Resource
    agency: Organisation
    agency_member: User
    tech_a: User
    tech_b: User
    agreement: SharingAgreement
    rates: dict[str, Rate]


def build_sharing_world(personas: Personas) -> SharingWorld:
    inst = personas.institution
    agency = make_organisation("京科服务中心 Jingke Service Centre", OrganisationKind.AGENCY,
                               region_code="110000")
    agency_member = make_user("agency_member", Role.INSTITUTION_MEMBER, agency)
    tech_a = make_user("tech_a", Role.INSTITUTION_MEMBER, inst)
    tech_b = make_user("tech_b", Role.INSTITUTION_MEMBER, inst)
    instrument = Instrument.objects.create(
        owner=inst,
        name="场发射扫描电子显微镜",
        model_number="SU8010",
        technical_field="new_materials",
        region_code="110000",
        status=Status.PUBLISHED,
        published_at=timezone.now(),
    )
    resource = Resource.objects.create(
        kind=ResourceKind.INSTRUMENT,
        catalogue_kind="instrument",
        catalogue_id=instrument.pk,
        name=instrument.name,
        technical_field="new_materials",
        region_code="110000",
        owner=inst,
        slot_minutes=30,
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            resource=resource, weekday=weekday, opens=dt.time(9), closes=dt.time(17)
        )
    agreement = SharingAgreement.objects.create(
        resource=resource,
        owner=inst,
        agency=agency,
        owner_share_bp=6000,
        staff_share_bp=2500,
        agency_share_bp=1500,
        requires_approval=True,
        valid_from=START,
    )
    AgreementStaff.objects.create(agreement=agreement, user=tech_a)
    AgreementStaff.objects.create(agreement=agreement, user=tech_b)
    prices = {
        RateClass.INTERNAL: "100.00",
        RateClass.ACADEMIC: "150.00",
        RateClass.ENTERPRISE: "200.00",
        RateClass.PARTNER_ENTERPRISE: "180.00",
    }
    rates = {
        str(rate_class): Rate.objects.create(
            resource=resource,
            rate_class=rate_class,
            unit=RateUnit.HOUR,
            price=Decimal(price),
            minimum_charge=Decimal("50.00"),
            billed_on=BilledOn.USED,
            effective_from=START,
        )
        for rate_class, price in prices.items()
    }
    Qualification.objects.create(
        resource=resource,
        user=personas.owner,
        valid_from=START,
        valid_until=dt.date(2027, 12, 31),
        note="SEM 上机培训合格",
    )
    return SharingWorld(
        personas=personas,
        instrument=instrument,
        resource=resource,
        agency=agency,
        agency_member=agency_member,
        tech_a=tech_a,
        tech_b=tech_b,
        agreement=agreement,
        rates=rates,
    )


@pytest.fixture
def sharing_world(personas: Personas) -> SharingWorld:
    return build_sharing_world(personas)
