"""Service orders through the services: booking → usage → price → confirm, orders without a
booking, amendments, cancellations, late-cancellation fees; events, audit rows and
notifications at each step (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from techbridge.audit.models import AuditEvent
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.notifications.models import Notification
from techbridge.sharing.models import (
    BilledOn,
    BookingEvent,
    BookingEventKind,
    BookingStatus,
    OrderEventKind,
    OrderKind,
    OrderStatus,
    RateClass,
    RateUnit,
    ServiceOrder,
)
from techbridge.sharing.services import agreements as agreement_services
from techbridge.sharing.services import orders as services
from techbridge.sharing.tests.conftest_orders import OrderWorld, at, make_booking, ow_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)  # a Tuesday; the world's rates and agreement start 2026-01-01


def _priced(
    ow: OrderWorld, *, hours: tuple[int, int] = (9, 10), minute_end: int = 30, day: dt.date = DAY
) -> ServiceOrder:
    booking = make_booking(ow.world, day, (9, 0), (11, 0))
    order = services.order_from_booking(actor=None, booking=booking)
    return services.usage_record(
        actor=ow.tech_a,
        order=order,
        actual_start=at(day, hours[0]),
        actual_end=at(day, hours[1], minute_end),
    )


def kinds(order: ServiceOrder) -> list[str]:
    return list(order.events.order_by("id").values_list("kind", flat=True))


def test_booking_becomes_a_draft_order_with_the_booked_hours(ow: OrderWorld) -> None:
    booking = make_booking(ow.world, DAY, (9, 0), (11, 30))
    order = services.order_from_booking(actor=ow.personas.researcher, booking=booking)
    assert order.status == OrderStatus.DRAFT and order.kind == OrderKind.BOOKING
    assert order.booked_quantity_milli == 2500
    assert order.customer == ow.personas.org and order.customer_user == ow.personas.owner
    assert order.rate_class == RateClass.PARTNER_ENTERPRISE
    assert order.service_date == DAY
    assert re.fullmatch(r"GX\d{6}\d{6}", order.number)
    # Idempotent: the bookings part may call it twice.
    assert services.order_from_booking(actor=None, booking=booking) == order
    assert ServiceOrder.objects.count() == 1
    assert kinds(order) == [OrderEventKind.CREATED]
    assert (
        AuditEvent.objects.filter(object_type="sharing.serviceorder", event="create").count() == 1
    )


def test_numbers_run_per_month_without_gaps(ow: OrderWorld) -> None:
    first = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    second = services.order_from_booking(
        actor=None, booking=make_booking(ow.world, DAY, (13, 0), (14, 0))
    )
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    assert second.number[:8] == first.number[:8]


def test_only_an_approved_or_completed_booking_gets_an_order(ow: OrderWorld) -> None:
    booking = make_booking(ow.world, DAY, status=BookingStatus.REQUESTED)
    with pytest.raises(TransitionError):
        services.order_from_booking(actor=None, booking=booking)
    with pytest.raises(PermissionDenied):
        services.order_from_booking(
            actor=ow.personas.outsider,
            booking=make_booking(ow.world, DAY, (13, 0), (14, 0)),
        )


def test_staff_record_usage_and_the_order_is_priced_by_the_rate_in_force(ow: OrderWorld) -> None:
    order = _priced(ow)
    # partner-region rate 180.00 / h, billed on time used: 1.5 h = 270.00
    assert order.status == OrderStatus.PRICED
    assert (order.booked_quantity_milli, order.used_quantity_milli) == (2000, 1500)
    assert order.billed_quantity_milli == 1500
    assert order.amount == Decimal("270.00") and order.enterprise_amount == Decimal("270.00")
    assert order.rate == ow.rates[RateClass.PARTNER_ENTERPRISE]
    assert order.unit_price == Decimal("180.00") and order.unit == RateUnit.HOUR
    assert order.agreement == ow.agreement and order.priced_at is not None
    assert order.usage.recorded_by == ow.tech_a
    assert list(order.usage.staff.all()) == [ow.tech_a]
    assert kinds(order) == ["created", "usage_recorded", "priced"]
    note = Notification.objects.get(recipient=ow.personas.owner)
    assert order.number in note.title and note.link == order.get_absolute_url()


def test_only_staff_of_the_agreement_in_force_record_usage(ow: OrderWorld) -> None:
    booking = make_booking(ow.world, DAY)
    order = services.order_from_booking(actor=None, booking=booking)
    for intruder in (ow.personas.researcher, ow.personas.owner, ow.agency_member):
        with pytest.raises(PermissionDenied):
            services.usage_record(
                actor=intruder, order=order, actual_start=at(DAY, 9), actual_end=at(DAY, 10)
            )
    with pytest.raises(ValidationError) as exc:
        services.usage_record(
            actor=ow.tech_a,
            order=order,
            actual_start=at(DAY, 9),
            actual_end=at(DAY, 10),
            staff=[ow.personas.researcher],
        )
    assert "staff" in exc.value.message_dict
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT and not hasattr(order, "usage_cache")


def test_usage_needs_times_and_in_order(ow: OrderWorld) -> None:
    order = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    with pytest.raises(ValidationError):
        services.usage_record(actor=ow.tech_a, order=order)
    with pytest.raises(ValidationError):
        services.usage_record(
            actor=ow.tech_a, order=order, actual_start=at(DAY, 11), actual_end=at(DAY, 10)
        )


def test_two_staff_who_ran_it_share_the_staff_part(ow: OrderWorld) -> None:
    from techbridge.sharing.selectors.orders import breakdown

    order = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    order = services.usage_record(
        actor=ow.tech_a,
        order=order,
        actual_start=at(DAY, 9),
        actual_end=at(DAY, 10, 7),
        staff=[ow.tech_a, ow.tech_b],
    )
    # 1.117 h × 180 = 201.06; split 60/25/15 = 120.64 / 50.26 / 30.16 (adds up to the fen)
    assert order.amount == Decimal("201.06")
    result = breakdown(order, ow.personas.researcher)
    assert result is not None
    assert [line.amount for line in result.split] == [
        Decimal("120.64"),
        Decimal("50.26"),
        Decimal("30.16"),
    ]
    assert sum(a for _u, a in result.staff_parts) == Decimal("50.26")
    # The customer sees the price, not the owner side's split.
    customer_view = breakdown(order, ow.personas.owner)
    assert customer_view is not None and customer_view.split == []


def test_minimum_charge(ow: OrderWorld) -> None:
    order = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    order = services.usage_record(
        actor=ow.tech_a, order=order, actual_start=at(DAY, 9), actual_end=at(DAY, 9, 6)
    )
    # 0.1 h × 180 = 18.00 < minimum 50.00
    assert order.amount == Decimal("50.00")


@pytest.mark.parametrize(
    ("billed_on", "expected"),
    [
        (BilledOn.BOOKED, Decimal("360.00")),  # 2 h booked
        (BilledOn.USED, Decimal("270.00")),  # 1.5 h used
        (BilledOn.GREATER, Decimal("450.00")),  # 2.5 h used > 2 h booked
    ],
)
def test_billed_on_decides_between_booked_and_used(
    ow: OrderWorld, billed_on: str, expected: Decimal
) -> None:
    rate = ow.rates[RateClass.PARTNER_ENTERPRISE]
    type(rate).objects.filter(pk=rate.pk).update(billed_on=billed_on)
    end = (11, 30) if billed_on == BilledOn.GREATER else (10, 30)
    order = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    order = services.usage_record(
        actor=ow.tech_a, order=order, actual_start=at(DAY, 9), actual_end=at(DAY, *end)
    )
    assert order.amount == expected and order.billed_on == billed_on


def test_rate_change_mid_month_each_order_gets_the_rate_of_its_service_date(
    ow: OrderWorld,
) -> None:
    early = _priced(ow, day=dt.date(2026, 3, 10))
    agreement_services.rate_create(
        actor=ow.personas.researcher,
        resource=ow.resource,
        rate_class=RateClass.PARTNER_ENTERPRISE,
        unit=RateUnit.HOUR,
        price="200.00",
        minimum_charge="50.00",
        billed_on=BilledOn.USED,
        effective_from=dt.date(2026, 3, 16),
    )
    draft_before = services.order_from_booking(
        actor=None, booking=make_booking(ow.world, dt.date(2026, 3, 13))
    )
    late = _priced(ow, day=dt.date(2026, 3, 17))
    before = services.usage_record(
        actor=ow.tech_a,
        order=draft_before,
        actual_start=at(dt.date(2026, 3, 13), 9),
        actual_end=at(dt.date(2026, 3, 13), 10, 30),
    )
    assert early.amount == Decimal("270.00") and before.amount == Decimal("270.00")
    assert late.amount == Decimal("300.00") and late.unit_price == Decimal("200.00")
    early.refresh_from_db()
    assert early.amount == Decimal("270.00")  # the priced order keeps its copied rate


def test_confirm_by_the_customer_with_the_version_seen(ow: OrderWorld) -> None:
    order = _priced(ow)
    with pytest.raises(PermissionDenied):
        services.order_confirm(actor=ow.personas.outsider, order=order)
    with pytest.raises(PermissionDenied):
        services.order_confirm(actor=ow.personas.researcher, order=order)
    with pytest.raises(ConflictError):
        services.order_confirm(
            actor=ow.personas.colleague, order=order, expected_version=order.version - 1
        )
    order = services.order_confirm(
        actor=ow.personas.colleague, order=order, expected_version=order.version
    )
    assert order.status == OrderStatus.CONFIRMED and order.confirmed_by == ow.personas.colleague
    assert kinds(order)[-1] == OrderEventKind.CONFIRMED
    told = set(
        Notification.objects.filter(title__contains=order.number).values_list(
            "recipient__username", flat=True
        )
    )
    assert {"researcher", "tech_a", "tech_b"} <= told
    with pytest.raises(TransitionError):
        services.order_confirm(actor=ow.personas.owner, order=order)


def test_the_recorder_of_the_usage_does_not_confirm_an_internal_order(ow: OrderWorld) -> None:
    booking = make_booking(ow.world, DAY, user=ow.tech_b)
    order = services.order_from_booking(actor=None, booking=booking)
    assert order.rate_class == RateClass.INTERNAL
    order = services.usage_record(
        actor=ow.tech_b, order=order, actual_start=at(DAY, 9), actual_end=at(DAY, 10)
    )
    assert order.amount == Decimal("100.00")
    with pytest.raises(TransitionError):
        services.order_confirm(actor=ow.tech_b, order=order)
    services.order_confirm(actor=ow.personas.researcher, order=order)


def test_staff_correct_the_usage_before_confirmation(ow: OrderWorld) -> None:
    order = _priced(ow)
    with pytest.raises(ValidationError):
        services.usage_amend(
            actor=ow.tech_a,
            order=order,
            reason=" ",
            actual_start=at(DAY, 9),
            actual_end=at(DAY, 11),
        )
    with pytest.raises(PermissionDenied):
        services.usage_amend(
            actor=ow.personas.owner,
            order=order,
            reason="more",
            actual_start=at(DAY, 9),
            actual_end=at(DAY, 11),
        )
    order = services.usage_amend(
        actor=ow.tech_b,
        order=order,
        reason="计时器读数有误",
        actual_start=at(DAY, 9),
        actual_end=at(DAY, 11),
    )
    assert order.amount == Decimal("360.00") and order.status == OrderStatus.PRICED
    event = order.events.get(kind=OrderEventKind.AMENDED)
    assert event.note == "计时器读数有误"
    assert event.data["before"]["amount"] == "270.00" and event.data["after"]["amount"] == "360.00"
    services.order_confirm(actor=ow.personas.owner, order=order)
    with pytest.raises(TransitionError):
        services.usage_amend(
            actor=ow.tech_a,
            order=order,
            reason="late",
            actual_start=at(DAY, 9),
            actual_end=at(DAY, 10),
        )


def test_cancellation_rules(ow: OrderWorld) -> None:
    draft = services.order_from_booking(actor=None, booking=make_booking(ow.world, DAY))
    with pytest.raises(ValidationError):
        services.order_cancel(actor=ow.personas.owner, order=draft, reason="")
    with pytest.raises(PermissionDenied):
        services.order_cancel(actor=ow.personas.outsider, order=draft, reason="x")
    draft = services.order_cancel(actor=ow.personas.owner, order=draft, reason="计划变更")
    assert draft.status == OrderStatus.CANCELLED and draft.cancelled_at is not None
    assert draft.events.get(kind=OrderEventKind.CANCELLED).note == "计划变更"

    confirmed = services.order_confirm(
        actor=ow.personas.owner, order=_priced(ow, day=dt.date(2026, 3, 11))
    )
    with pytest.raises(PermissionDenied):
        services.order_cancel(actor=ow.personas.owner, order=confirmed, reason="changed my mind")
    confirmed = services.order_cancel(
        actor=ow.personas.researcher, order=confirmed, reason="重复计费"
    )
    assert confirmed.status == OrderStatus.CANCELLED
    with pytest.raises(TransitionError):
        services.order_cancel(actor=ow.personas.researcher, order=confirmed, reason="again")


def test_a_new_agreement_never_splits_orders_already_priced(ow: OrderWorld) -> None:
    order = _priced(ow, day=dt.date(2026, 3, 20))
    with pytest.raises(ValidationError) as exc:
        agreement_services.agreement_create(
            actor=ow.personas.researcher,
            resource=ow.resource,
            agency=ow.agency,
            owner_share_bp=5000,
            staff_share_bp=3000,
            agency_share_bp=2000,
            valid_from=dt.date(2026, 3, 15),
        )
    assert "2026-03-21" in str(exc.value)
    new = agreement_services.agreement_create(
        actor=ow.personas.researcher,
        resource=ow.resource,
        agency=ow.agency,
        owner_share_bp=5000,
        staff_share_bp=3000,
        agency_share_bp=2000,
        valid_from=dt.date(2026, 3, 21),
        staff=[ow.tech_a],
    )
    later = _priced(ow, day=dt.date(2026, 3, 24))
    order.refresh_from_db()
    assert order.agreement == ow.agreement and later.agreement == new


# --- orders without a booking -------------------------------------------------------------


def test_sample_testing_ordered_by_the_customer_and_priced_per_sample(ow: OrderWorld) -> None:
    order = services.order_create(
        actor=ow.personas.owner,
        resource=ow.service,
        kind=OrderKind.SAMPLE_TESTING,
        customer=ow.personas.org,
        service_date=DAY,
        content="合金成分分析",
        quantity_milli=5000,
    )
    assert order.status == OrderStatus.DRAFT and order.booking is None
    assert order.customer_user == ow.personas.owner
    order = services.usage_record(
        actor=ow.tech_a, order=order, samples=7, service_date=dt.date(2026, 3, 12)
    )
    assert order.used_quantity_milli == 7000 and order.booked_quantity_milli == 5000
    assert order.amount == Decimal("2453.50")  # 7 × 350.50
    assert order.service_date == dt.date(2026, 3, 12)
    with pytest.raises(ValidationError):  # per-sample rate: the samples are needed
        services.usage_amend(actor=ow.tech_a, order=order, reason="recount")


def test_only_members_order_for_their_organisation(ow: OrderWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.order_create(
            actor=ow.personas.outsider,
            resource=ow.service,
            kind=OrderKind.SAMPLE_TESTING,
            customer=ow.personas.org,
            service_date=DAY,
        )
    with pytest.raises(ValidationError):  # data access is for data resources
        services.order_create(
            actor=ow.personas.owner,
            resource=ow.service,
            kind=OrderKind.DATA_ACCESS,
            customer=ow.personas.org,
            service_date=DAY,
        )
    # The resource side enters an order for a customer, naming its contact.
    with pytest.raises(ValidationError):
        services.order_create(
            actor=ow.tech_a,
            resource=ow.service,
            kind=OrderKind.TECHNICAL_SERVICE,
            customer=ow.personas.org,
            service_date=DAY,
        )
    order = services.order_create(
        actor=ow.tech_a,
        resource=ow.service,
        kind=OrderKind.TECHNICAL_SERVICE,
        customer=ow.personas.org,
        customer_user=ow.personas.colleague,
        service_date=DAY,
    )
    assert order.customer_user == ow.personas.colleague


def test_data_access_by_the_day_billed_on_the_days_ordered(ow: OrderWorld) -> None:
    order = services.order_create(
        actor=ow.personas.owner,
        resource=ow.data,
        kind=OrderKind.DATA_ACCESS,
        customer=ow.personas.org,
        service_date=DAY,
        quantity_milli=3000,
    )
    order = services.usage_record(actor=ow.tech_a, order=order, quantity_milli=2000)
    assert order.billed_quantity_milli == 3000 and order.amount == Decimal("240.00")


# --- late cancellation and no-show --------------------------------------------------------


def _ended(booking, kind: str, fee_fen: int) -> None:  # type: ignore[no-untyped-def]
    status = (
        BookingStatus.CANCELLED if kind == BookingEventKind.CANCELLED else BookingStatus.NO_SHOW
    )
    type(booking).objects.filter(pk=booking.pk).update(status=status)
    BookingEvent.objects.create(booking=booking, kind=kind, data={"fee_fen": fee_fen})


def test_a_late_cancellation_turns_the_draft_into_a_fee_order(ow: OrderWorld) -> None:
    booking = make_booking(ow.world, DAY)
    draft = services.order_from_booking(actor=None, booking=booking)
    _ended(booking, BookingEventKind.CANCELLED, 18000)
    fee = services.charge_cancellation(
        actor=ow.personas.owner, booking=booking, reason="开始前 3 小时取消"
    )
    assert fee is not None and fee.pk == draft.pk
    assert fee.kind == OrderKind.CANCELLATION_FEE and fee.status == OrderStatus.PRICED
    assert fee.amount == Decimal("180.00") and fee.agreement == ow.agreement
    assert fee.content == "开始前 3 小时取消"
    services.order_confirm(actor=ow.personas.owner, order=fee)


def test_a_no_show_without_an_order_gets_a_fee_order(ow: OrderWorld) -> None:
    booking = make_booking(ow.world, DAY)
    _ended(booking, BookingEventKind.NO_SHOW, 9000)
    fee = services.charge_cancellation(actor=None, booking=booking, reason="no-show")
    assert fee is not None and fee.amount == Decimal("90.00")
    assert fee.booking == booking and fee.booked_quantity_milli == 2000


def test_a_free_cancellation_cancels_the_draft_and_charges_nothing(ow: OrderWorld) -> None:
    booking = make_booking(ow.world, DAY)
    draft = services.order_from_booking(actor=None, booking=booking)
    _ended(booking, BookingEventKind.CANCELLED, 0)
    assert services.charge_cancellation(actor=None, booking=booking, reason="free") is None
    draft.refresh_from_db()
    assert draft.status == OrderStatus.CANCELLED


def test_no_fee_on_top_of_a_confirmed_order(ow: OrderWorld) -> None:
    order = services.order_confirm(actor=ow.personas.owner, order=_priced(ow))
    booking = order.booking
    assert booking is not None
    _ended(booking, BookingEventKind.NO_SHOW, 9000)
    with pytest.raises(TransitionError):
        services.charge_cancellation(actor=None, booking=booking, reason="no-show")
