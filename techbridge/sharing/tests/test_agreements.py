"""Resources, agreements, rates and qualifications through their services: registering a
catalogue record, the owner/staff/agency ratio, history (a new ratio or price is a new row
from a date, never retroactive), who may manage what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent
from techbridge.catalogue.models import Instrument, Status
from techbridge.core.exceptions import TransitionError
from techbridge.core.testing import make_organisation, make_user
from techbridge.organisations.models import OrganisationKind
from techbridge.sharing.models import (
    BilledOn,
    RateClass,
    RateUnit,
    Resource,
    ResourceKind,
    SharingAgreement,
)
from techbridge.sharing.models.resources import AgreementEventKind, ResourceEventKind
from techbridge.sharing.selectors.agreements import agreement_in_force, rate_in_force
from techbridge.sharing.selectors.resources import qualification_valid, registrable_records
from techbridge.sharing.services import agreements as services
from techbridge.sharing.services import orders as order_services
from techbridge.sharing.tests.conftest_orders import OrderWorld, at, make_booking, ow_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


# --- ratios -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("60/25/15", (6000, 2500, 1500)),
        ("60%/25%/15%", (6000, 2500, 1500)),
        ("60 : 25 : 15", (6000, 2500, 1500)),
        ("６０／２５／１５", (6000, 2500, 1500)),
        ("33.34/33.33/33.33", (3334, 3333, 3333)),
        ("100/0/0", (10000, 0, 0)),
    ],
)
def test_ratios_are_read_as_percentages(text: str, expected: tuple[int, int, int]) -> None:
    assert services.parse_ratio(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("60/25/10", "add up to 100 %; 60 % + 25 % + 10 % = 95 %"),
        ("60/25", "three percentages"),
        ("60/abc/15", "Staff share is not a percentage"),
        ("60/0/-60", "Agency share is not a percentage"),
        ("60.123/25/15", "not a percentage"),
        ("120/0/0", "cannot be more than 100 %"),
    ],
)
def test_bad_ratios_get_a_clear_message(text: str, words: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.parse_ratio(text)
    assert words in " ".join(exc.value.messages)


def test_bad_ratio_message_is_bilingual() -> None:
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.parse_ratio("60/25/10")
    assert "100" in exc.value.messages[0] and "必须" in exc.value.messages[0]


# --- resources ----------------------------------------------------------------------------


def test_an_owner_member_shares_a_published_record(ow: OrderWorld) -> None:
    p = ow.personas
    record = Instrument.objects.create(
        owner=p.institution,
        name="X 射线衍射仪",
        technical_field="new_materials",
        address="北京市海淀区",
        status=Status.PUBLISHED,
        published_at=timezone.now(),
    )
    assert ("instrument", record) in registrable_records(p.researcher)
    with pytest.raises(PermissionDenied):
        services.resource_register(
            actor=p.owner, catalogue_kind="instrument", catalogue_id=record.pk
        )
    resource = services.resource_register(
        actor=p.researcher, catalogue_kind="instrument", catalogue_id=record.pk, slot_minutes=60
    )
    assert resource.kind == ResourceKind.INSTRUMENT and resource.owner == p.institution
    assert (resource.name, resource.technical_field) == ("X 射线衍射仪", "new_materials")
    assert resource.region_code == "110000" and resource.location == "北京市海淀区"
    assert resource.events.get().kind == ResourceEventKind.REGISTERED
    assert AuditEvent.objects.filter(object_type="sharing.resource", event="create").exists()
    with pytest.raises(ValidationError):
        services.resource_register(
            actor=p.researcher, catalogue_kind="instrument", catalogue_id=record.pk
        )
    draft = Instrument.objects.create(owner=p.institution, name="草稿仪器")
    with pytest.raises(ValidationError):
        services.resource_register(
            actor=p.researcher, catalogue_kind="instrument", catalogue_id=draft.pk
        )


def test_settings_change_with_a_version_and_an_event(ow: OrderWorld) -> None:
    from techbridge.core.exceptions import ConflictError

    resource = Resource.objects.get(pk=ow.resource.pk)
    with pytest.raises(PermissionDenied):
        services.resource_update(actor=ow.personas.owner, resource=resource, active=False)
    services.resource_update(
        actor=ow.personas.researcher,
        resource=resource,
        expected_version=resource.version,
        free_cancellation_hours=48,
    )
    with pytest.raises(ConflictError):
        services.resource_update(
            actor=ow.personas.researcher, resource=resource, expected_version=1, active=False
        )
    with pytest.raises(ValidationError):
        services.resource_update(
            actor=ow.personas.researcher, resource=resource, max_booking_minutes=10
        )
    resource.refresh_from_db()
    assert resource.free_cancellation_hours == 48 and resource.active
    assert resource.events.filter(kind=ResourceEventKind.UPDATED).count() == 1


# --- agreements ---------------------------------------------------------------------------


def _agreement(ow: OrderWorld, start: dt.date, **kw):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "owner_share_bp": 5000,
        "staff_share_bp": 3000,
        "agency_share_bp": 2000,
    }
    values.update(kw)
    return services.agreement_create(
        actor=ow.personas.researcher,
        resource=ow.resource,
        agency=ow.agency,
        valid_from=start,
        **values,
    )


def test_a_new_ratio_is_a_new_agreement_and_the_old_one_ends_the_day_before(
    ow: OrderWorld,
) -> None:
    new = _agreement(ow, dt.date(2026, 7, 1), staff=[ow.tech_a])
    old = SharingAgreement.objects.get(pk=ow.agreement.pk)
    assert old.valid_until == dt.date(2026, 6, 30)
    assert agreement_in_force(ow.resource, dt.date(2026, 6, 30)) == old
    assert agreement_in_force(ow.resource, dt.date(2026, 7, 1)) == new
    assert old.events.get().kind == AgreementEventKind.SUPERSEDED
    assert new.events.get().kind == AgreementEventKind.CREATED
    assert list(new.staff.all()) == [ow.tech_a]
    # One inserted before it ends the old one earlier and ends itself before the new one.
    middle = _agreement(ow, dt.date(2026, 4, 1))
    old.refresh_from_db()
    assert old.valid_until == dt.date(2026, 3, 31) and middle.valid_until == dt.date(2026, 6, 30)
    with pytest.raises(ValidationError):
        _agreement(ow, dt.date(2026, 4, 1))  # the same start twice


def test_an_agreement_must_add_up_and_be_run_by_an_agency(ow: OrderWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        _agreement(ow, dt.date(2026, 7, 1), agency_share_bp=1000)
    assert "100 %" in str(exc.value)
    with pytest.raises(ValidationError):
        services.agreement_create(
            actor=ow.personas.researcher,
            resource=ow.resource,
            agency=ow.personas.org,
            valid_from=dt.date(2026, 7, 1),
            owner_share_bp=6000,
            staff_share_bp=2500,
            agency_share_bp=1500,
        )
    with pytest.raises(ValidationError):  # staff work for the owner or the agency
        _agreement(ow, dt.date(2026, 7, 1), staff=[ow.personas.owner])
    with pytest.raises(PermissionDenied):  # an enterprise member manages nothing here
        services.agreement_create(
            actor=ow.personas.owner,
            resource=ow.resource,
            agency=ow.agency,
            valid_from=dt.date(2026, 7, 1),
            owner_share_bp=6000,
            staff_share_bp=2500,
            agency_share_bp=1500,
        )


def test_an_owner_wide_agreement_covers_resources_without_their_own(ow: OrderWorld) -> None:
    p = ow.personas
    wide = services.agreement_create(
        actor=p.researcher,
        owner=p.institution,
        agency=ow.agency,
        valid_from=dt.date(2026, 1, 1),
        owner_share_bp=7000,
        staff_share_bp=2000,
        agency_share_bp=1000,
    )
    lonely = Resource.objects.create(
        kind=ResourceKind.LAB,
        catalogue_kind="lab",
        catalogue_id=99,
        name="中试平台",
        owner=p.institution,
    )
    assert agreement_in_force(lonely, dt.date(2026, 5, 1)) == wide
    assert agreement_in_force(ow.resource, dt.date(2026, 5, 1)) == ow.agreement
    other_inst = make_organisation("丁大学", OrganisationKind.UNIVERSITY)
    with pytest.raises(PermissionDenied):
        services.agreement_create(
            actor=p.researcher,
            owner=other_inst,
            agency=ow.agency,
            valid_from=dt.date(2026, 1, 1),
            owner_share_bp=7000,
            staff_share_bp=2000,
            agency_share_bp=1000,
        )


def test_an_agreement_in_use_keeps_its_ratio_but_staff_may_change(ow: OrderWorld) -> None:
    day = dt.date(2026, 3, 10)
    order = order_services.order_from_booking(actor=None, booking=make_booking(ow.world, day))
    order_services.usage_record(
        actor=ow.tech_a, order=order, actual_start=at(day, 9), actual_end=at(day, 10)
    )
    assert not services.is_agreement_editable(ow.agreement)
    with pytest.raises(TransitionError):
        services.agreement_update(
            actor=ow.personas.researcher,
            agreement=ow.agreement,
            owner_share_bp=5000,
            staff_share_bp=3000,
            agency_share_bp=2000,
        )
    agreement = services.agreement_update(
        actor=ow.personas.researcher,
        agreement=ow.agreement,
        staff=[ow.tech_b],
        requires_approval=False,
    )
    assert list(agreement.staff.all()) == [ow.tech_b] and not agreement.requires_approval
    assert agreement.owner_share_bp == 6000
    assert set(agreement.events.values_list("kind", flat=True)) == {"updated", "staff"}
    with pytest.raises(ValidationError):  # not before the last order that uses it
        services.agreement_end(
            actor=ow.personas.researcher, agreement=agreement, last_day=dt.date(2026, 3, 9)
        )
    services.agreement_end(
        actor=ow.personas.researcher,
        agreement=agreement,
        last_day=dt.date(2026, 3, 31),
        reason="合作到期",
    )
    agreement.refresh_from_db()
    assert agreement.valid_until == dt.date(2026, 3, 31)


def test_a_future_agreement_not_yet_used_can_be_edited(ow: OrderWorld) -> None:
    later = _agreement(ow, timezone.localdate() + dt.timedelta(days=30))
    assert services.is_agreement_editable(later)
    services.agreement_update(
        actor=ow.personas.researcher,
        agreement=later,
        owner_share_bp=4000,
        staff_share_bp=4000,
        agency_share_bp=2000,
    )
    later.refresh_from_db()
    assert later.ratio_label == "40/40/20"
    with pytest.raises(ValidationError):
        services.agreement_update(
            actor=ow.personas.researcher,
            agreement=later,
            owner_share_bp=4000,
            staff_share_bp=4000,
            agency_share_bp=1000,
        )


# --- rates --------------------------------------------------------------------------------


def test_a_new_rate_ends_the_previous_one_of_its_class(ow: OrderWorld) -> None:
    rate = services.rate_create(
        actor=ow.personas.researcher,
        resource=ow.resource,
        rate_class=RateClass.ENTERPRISE,
        unit=RateUnit.HOUR,
        price="220.00",
        minimum_charge="60",
        billed_on=BilledOn.GREATER,
        late_cancellation_bp=3000,
        effective_from=dt.date(2026, 9, 1),
    )
    old = ow.rates[RateClass.ENTERPRISE]
    old.refresh_from_db()
    assert old.effective_until == dt.date(2026, 8, 31)
    assert rate_in_force(ow.resource, RateClass.ENTERPRISE, dt.date(2026, 9, 1)) == rate
    assert rate.price == Decimal("220.00") and rate.minimum_charge == Decimal("60.00")
    # The other classes are untouched.
    academic = ow.rates[RateClass.ACADEMIC]
    academic.refresh_from_db()
    assert academic.effective_until is None
    assert ow.resource.events.filter(kind=ResourceEventKind.RATE_ADDED).count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", "-1"),
        ("price", "1e10"),
        ("price", "12,345.678"),
        ("price", "abc"),
        ("rate_class", "vip"),
        ("unit", "week"),
        ("late_cancellation_bp", 12000),
    ],
)
def test_bad_rates_are_refused_naming_the_field(ow: OrderWorld, field: str, value: object) -> None:
    values = {
        "rate_class": RateClass.ENTERPRISE,
        "unit": RateUnit.HOUR,
        "price": "10",
        "billed_on": BilledOn.USED,
        "effective_from": dt.date(2026, 9, 1),
    }
    values[field] = value
    with pytest.raises(ValidationError) as exc:
        services.rate_create(actor=ow.personas.researcher, resource=ow.resource, **values)
    assert field in exc.value.message_dict


def test_rates_and_qualifications_are_managed_by_the_owner_only(ow: OrderWorld) -> None:
    for intruder in (ow.personas.owner, ow.agency_member, ow.personas.staff):
        with pytest.raises(PermissionDenied):
            services.rate_create(
                actor=intruder,
                resource=ow.resource,
                rate_class=RateClass.ENTERPRISE,
                unit=RateUnit.HOUR,
                price="1",
                effective_from=dt.date(2026, 9, 1),
            )
        with pytest.raises(PermissionDenied):
            services.qualification_grant(
                actor=intruder,
                resource=ow.resource,
                user=ow.personas.colleague,
                valid_from=dt.date(2026, 1, 1),
                valid_until=dt.date(2026, 12, 31),
            )


def test_ending_a_rate_not_before_the_orders_it_priced(ow: OrderWorld) -> None:
    day = dt.date(2026, 3, 10)
    order = order_services.order_from_booking(actor=None, booking=make_booking(ow.world, day))
    order_services.usage_record(
        actor=ow.tech_a, order=order, actual_start=at(day, 9), actual_end=at(day, 10)
    )
    rate = ow.rates[RateClass.PARTNER_ENTERPRISE]
    with pytest.raises(ValidationError):
        services.rate_end(actor=ow.personas.researcher, rate=rate, last_day=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError):  # nor a new rate from a date already priced
        services.rate_create(
            actor=ow.personas.researcher,
            resource=ow.resource,
            rate_class=RateClass.PARTNER_ENTERPRISE,
            unit=RateUnit.HOUR,
            price="190",
            effective_from=dt.date(2026, 3, 1),
        )
    services.rate_end(actor=ow.personas.researcher, rate=rate, last_day=dt.date(2026, 3, 31))
    assert rate_in_force(ow.resource, RateClass.PARTNER_ENTERPRISE, dt.date(2026, 4, 1)) is None


# --- qualifications -----------------------------------------------------------------------


def test_qualifications_are_granted_and_revoked(ow: OrderWorld) -> None:
    p = ow.personas
    trainee = make_user("trainee", Role.ENTERPRISE_MEMBER, p.org)
    today = timezone.localdate()
    assert not qualification_valid(trainee, ow.resource)
    with pytest.raises(ValidationError):
        services.qualification_grant(
            actor=p.researcher,
            resource=ow.resource,
            user=trainee,
            valid_from=today,
            valid_until=today - dt.timedelta(days=1),
        )
    qualification = services.qualification_grant(
        actor=p.researcher,
        resource=ow.resource,
        user=trainee,
        valid_from=today,
        valid_until=today + dt.timedelta(days=365),
        note="SEM 上机培训",
    )
    assert qualification_valid(trainee, ow.resource)
    services.qualification_revoke(
        actor=p.researcher, qualification=qualification, reason="违规操作"
    )
    assert not qualification_valid(trainee, ow.resource)
    with pytest.raises(TransitionError):
        services.qualification_revoke(actor=p.researcher, qualification=qualification)
    kinds = list(ow.resource.events.values_list("kind", flat=True))
    assert kinds == [ResourceEventKind.QUALIFIED, ResourceEventKind.DISQUALIFIED]
