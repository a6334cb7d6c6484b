"""Bookings through the service: availability, the slot rules, qualification gating,
approval, cancellation fees, no-shows, and who sees what (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.core.testing import make_user
from techbridge.notifications.models import Notification
from techbridge.sharing.models import (
    BookingEvent,
    BookingStatus,
    Closure,
    OpeningHours,
    Qualification,
    Rate,
    RateClass,
    RateUnit,
)
from techbridge.sharing.selectors import bookings as sel
from techbridge.sharing.services import bookings as services
from techbridge.sharing.tests.conftest_bookings import at, book, monday

pytestmark = pytest.mark.django_db


# --- availability -------------------------------------------------------------------------


def test_free_intervals_are_opening_hours_minus_closures_and_bookings(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    day = monday()
    book(p.owner, w.resource, day, (10, 0), (11, 30))
    Closure.objects.create(
        resource=w.resource, starts_at=at(day, 14), ends_at=at(day, 15), reason="年度保养"
    )
    cancelled = book(p.owner, w.resource, day, (16, 0), (16, 30))
    services.booking_cancel(actor=p.owner, booking=cancelled)
    avail = sel.availability(w.resource, at(day, 0), at(day + dt.timedelta(days=1), 0))
    spans = [(i.start, i.end) for i in avail.free]
    assert spans == [
        (at(day, 9), at(day, 10)),
        (at(day, 11, 30), at(day, 14)),
        (at(day, 15), at(day, 17)),  # the cancelled booking no longer holds 16:00
    ]
    assert [(i.start, i.end) for i in avail.busy] == [(at(day, 10), at(day, 11, 30))]
    assert [(i.start, i.end) for i in avail.closed] == [(at(day, 14), at(day, 15))]


def test_a_week_has_no_free_time_at_the_weekend_or_in_the_past(sharing_world) -> None:
    w = sharing_world
    day = monday()
    avail = sel.availability(w.resource, at(day, 0), at(day + dt.timedelta(days=7), 0))
    assert sum(i.minutes for i in avail.free) == 5 * 8 * 60
    assert all(i.start.weekday() < 5 for i in avail.free)
    # Seen from Wednesday noon, Monday, Tuesday and Wednesday morning are gone.
    now = at(day + dt.timedelta(days=2), 12)
    later = sel.availability(w.resource, at(day, 0), at(day + dt.timedelta(days=7), 0), now=now)
    assert later.free[0].start == now and sum(i.minutes for i in later.free) == 2 * 8 * 60 + 300


def test_week_calendar_marks_each_cell(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    day = monday()
    book(p.owner, w.resource, day, (9, 0), (10, 0))
    book(p.colleague, w.resource, day, (10, 0), (10, 30))
    week = sel.week_calendar(w.resource, day + dt.timedelta(days=3), user=p.owner)
    assert week.first == day and week.step == 30
    assert week.times[0] == dt.time(9) and week.times[-1] == dt.time(16, 30)
    monday_cells = week.days[0].cells
    assert [c.state for c in monday_cells[:4]] == ["mine", "mine", "busy", "free"]
    assert not week.days[5].has_open and week.days[1].has_open


# --- booking ------------------------------------------------------------------------------


def test_booking_needs_approval_and_is_self_operated_when_qualified(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = book(p.owner, w.resource, monday(), (9, 0), (10, 30), purpose="合金断口观察")
    assert booking.status == BookingStatus.REQUESTED
    assert not booking.assisted
    assert booking.rate_class == RateClass.PARTNER_ENTERPRISE
    assert booking.organisation == p.org
    event = BookingEvent.objects.get(booking=booking)
    assert event.kind == "requested" and event.data["estimated_fee_fen"] == 27000
    assert AuditEvent.objects.filter(object_type="sharing.booking", object_id=str(booking.pk))
    # The owner's members hear of the request.
    assert Notification.objects.filter(recipient=p.researcher, link__contains=str(booking.pk))


def test_without_a_qualification_the_booking_is_assisted(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    assert book(p.colleague, w.resource, monday(), (9, 0), (10, 0)).assisted
    # An expired or revoked qualification does not count either.
    Qualification.objects.filter(user=p.owner).update(valid_until=dt.date(2026, 1, 31))
    assert book(p.owner, w.resource, monday(), (10, 0), (11, 0)).assisted
    w.resource.requires_qualification = False
    w.resource.save()
    assert not book(p.colleague, w.resource, monday(), (11, 0), (12, 0)).assisted


def test_approved_at_once_when_the_agreement_does_not_ask(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    w.agreement.requires_approval = False
    w.agreement.save()
    booking = book(p.owner, w.resource, monday(), (9, 0), (10, 0))
    assert booking.status == BookingStatus.APPROVED and booking.decided_at is not None


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        ((8, 0), (9, 0), "starts_at", "opening hours"),
        ((16, 30), (17, 30), "starts_at", "opening hours"),
        ((9, 15), (10, 15), "starts_at", "30-minute grid"),
        ((9, 0), (9, 45), "ends_at", "multiple of 30"),
        ((9, 0), (9, 0), "ends_at", "after the start"),
    ],
)
def test_slot_rules_name_the_field(sharing_world, start, end, field, words) -> None:
    w, p = sharing_world, sharing_world.personas
    with pytest.raises(ValidationError) as info:
        book(p.owner, w.resource, monday(), start, end)
    assert field in info.value.message_dict
    assert words in " ".join(info.value.message_dict[field])


def test_weekend_past_too_long_closed_and_inactive_are_refused(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    day = monday()
    with pytest.raises(ValidationError, match="opening hours"):
        book(p.owner, w.resource, day + dt.timedelta(days=5), (10, 0), (11, 0))
    with pytest.raises(ValidationError, match="has passed"):
        book(p.owner, w.resource, monday(-1), (10, 0), (11, 0))
    w.resource.max_booking_minutes = 120
    w.resource.save()
    with pytest.raises(ValidationError, match="At most 120 minutes"):
        book(p.owner, w.resource, day, (9, 0), (12, 0))
    Closure.objects.create(
        resource=w.resource, starts_at=at(day, 11), ends_at=at(day, 12), reason="更换灯丝"
    )
    with pytest.raises(ValidationError, match="更换灯丝"):
        book(p.owner, w.resource, day, (10, 30), (11, 30))
    w.resource.active = False
    w.resource.save()
    with pytest.raises(ValidationError) as info:
        book(p.owner, w.resource, day, (14, 0), (15, 0))
    assert "resource" in info.value.message_dict


def test_only_members_book(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    with pytest.raises(PermissionDenied):
        book(p.staff, w.resource, monday(), (9, 0), (10, 0))


def test_overlapping_bookings_are_refused_touching_ones_allowed(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    day = monday()
    book(p.owner, w.resource, day, (10, 0), (11, 0))
    for start, end in [((10, 0), (11, 0)), ((9, 30), (10, 30)), ((10, 30), (12, 0)),
                       ((9, 0), (12, 0))]:  # fmt: skip
        with pytest.raises(ConflictError):
            book(p.outsider, w.resource, day, start, end)
    assert book(p.outsider, w.resource, day, (11, 0), (12, 0))
    assert book(p.outsider, w.resource, day, (9, 0), (10, 0))


def test_a_rejected_booking_frees_its_slot(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    first = book(p.owner, w.resource, monday(), (10, 0), (11, 0))
    services.booking_reject(actor=p.researcher, booking=first, reason="仪器另有安排")
    assert book(p.outsider, w.resource, monday(), (10, 0), (11, 0))


# --- approval -----------------------------------------------------------------------------


def test_owner_approves_and_the_customer_is_told(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = book(p.owner, w.resource, monday(), (9, 0), (10, 0))
    with pytest.raises(PermissionDenied):
        services.booking_approve(actor=p.outsider, booking=booking)
    with pytest.raises(PermissionDenied):  # the agency operates it but does not own it
        services.booking_approve(actor=w.agency_member, booking=booking)
    approved = services.booking_approve(actor=p.researcher, booking=booking, note="同意")
    assert approved.status == BookingStatus.APPROVED and approved.decided_by == p.researcher
    assert approved.version == 2
    assert Notification.objects.filter(recipient=p.owner, title_msgid__contains="approved").exists()
    assert AuditEvent.objects.filter(event="approval", object_id=str(booking.pk)).exists()
    with pytest.raises(TransitionError):
        services.booking_approve(actor=p.researcher, booking=booking)


def test_nobody_approves_their_own_booking(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = book(p.researcher, w.resource, monday(), (9, 0), (10, 0))
    assert booking.rate_class == RateClass.INTERNAL
    with pytest.raises(TransitionError):
        services.booking_approve(actor=p.researcher, booking=booking)
    colleague = make_user("inst2", Role.INSTITUTION_MEMBER, p.institution)
    assert services.booking_approve(actor=colleague, booking=booking).status == "approved"


def test_reject_needs_a_reason_and_tells_the_customer(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = book(p.owner, w.resource, monday(), (9, 0), (10, 0))
    with pytest.raises(ValidationError):
        services.booking_reject(actor=p.researcher, booking=booking, reason=" ")
    rejected = services.booking_reject(actor=p.researcher, booking=booking, reason="检修")
    assert rejected.status == BookingStatus.REJECTED
    assert Notification.objects.filter(recipient=p.owner, title_msgid__contains="rejected").exists()


# --- cancellation, no-show, completion ----------------------------------------------------


def _approved(w, user, day, start=(9, 0), end=(10, 30)):
    booking = book(user, w.resource, day, start, end)
    return services.booking_approve(actor=w.personas.researcher, booking=booking)


def test_cancelling_before_the_deadline_is_free(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = _approved(w, p.owner, monday())
    now = booking.starts_at - dt.timedelta(hours=25)
    cancelled = services.booking_cancel(actor=p.owner, booking=booking, now=now)
    assert cancelled.status == BookingStatus.CANCELLED and cancelled.cancelled_at == now
    assert sel.late_fee_for(cancelled) == Decimal("0.00")
    assert BookingEvent.objects.get(booking=booking, kind="cancelled").data["late"] is False


def test_cancelling_late_records_the_rates_fee(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = _approved(w, p.owner, monday())  # 1.5 h × 180.00 = 270.00; 50 % late
    now = booking.starts_at - dt.timedelta(hours=23)
    cancelled = services.booking_cancel(actor=p.colleague, booking=booking, now=now)
    assert sel.late_fee_for(cancelled) == Decimal("135.00")
    event = BookingEvent.objects.get(booking=booking, kind="cancelled")
    assert event.data["fee_fen"] == 13500 and event.data["late_cancellation_bp"] == 5000
    assert event.data["rate"] == w.rates[RateClass.PARTNER_ENTERPRISE].pk


def test_a_request_not_yet_approved_cancels_free_even_late(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = book(p.owner, w.resource, monday(), (9, 0), (10, 0))
    now = booking.starts_at - dt.timedelta(hours=1)
    assert sel.late_fee_for(services.booking_cancel(actor=p.owner, booking=booking, now=now)) == 0


def test_owner_cancels_with_a_reason_and_no_fee(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = _approved(w, p.owner, monday())
    now = booking.starts_at - dt.timedelta(hours=2)
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=p.researcher, booking=booking, now=now)
    cancelled = services.booking_cancel(
        actor=p.researcher, booking=booking, reason="设备故障", now=now
    )
    assert sel.late_fee_for(cancelled) == 0
    assert Notification.objects.filter(
        recipient=p.owner, title_msgid__contains="cancelled"
    ).exists()
    with pytest.raises(PermissionDenied):
        services.booking_cancel(actor=p.outsider, booking=booking, now=now)


def test_no_cancelling_after_the_start(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = _approved(w, p.owner, monday())
    with pytest.raises(TransitionError):
        services.booking_cancel(
            actor=p.owner, booking=booking, now=booking.starts_at + dt.timedelta(minutes=1)
        )


def test_staff_mark_a_no_show_after_the_start_and_it_owes_the_fee(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = _approved(w, p.owner, monday())
    before, after = booking.starts_at - dt.timedelta(minutes=5), booking.ends_at
    with pytest.raises(TransitionError):
        services.booking_mark_no_show(actor=w.tech_a, booking=booking, now=before)
    with pytest.raises(PermissionDenied):
        services.booking_mark_no_show(actor=p.owner, booking=booking, now=after)
    marked = services.booking_mark_no_show(actor=w.tech_a, booking=booking, now=after)
    assert marked.status == BookingStatus.NO_SHOW
    assert sel.late_fee_for(marked) == Decimal("135.00")
    # A no-show still holds its slot in the history: nobody can book it afterwards.
    assert sel.holding_bookings(w.resource.pk, booking.starts_at, booking.ends_at).exists()


def test_staff_complete_an_approved_booking(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = _approved(w, p.owner, monday())
    done = services.booking_complete(actor=w.tech_b, booking=booking, now=booking.ends_at)
    assert done.status == BookingStatus.COMPLETED
    kinds = list(BookingEvent.objects.filter(booking=booking).values_list("kind", flat=True))
    assert kinds == ["requested", "approved", "completed"]
    with pytest.raises(TransitionError):
        services.booking_mark_no_show(actor=w.tech_b, booking=booking, now=booking.ends_at)


# --- price --------------------------------------------------------------------------------


def test_quote_is_rate_times_booked_quantity(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    day = monday()
    offer = sel.quote(user=p.owner, resource=w.resource, starts_at=at(day, 9),
                      ends_at=at(day, 10, 30))  # fmt: skip
    assert offer.rate == w.rates[RateClass.PARTNER_ENTERPRISE]
    assert offer.quantity_milli == 1500 and offer.amount == Decimal("270.00")
    assert offer.requires_approval and not offer.assisted
    assert offer.late_fee == Decimal("135.00")
    assert offer.free_cancellation_until == at(day, 9) - dt.timedelta(hours=24)
    # 30 minutes at the internal 100.00 would be 50.00: the minimum charge (50.00) holds.
    internal = sel.quote(user=p.researcher, resource=w.resource, starts_at=at(day, 9),
                         ends_at=at(day, 9, 30))  # fmt: skip
    assert internal.amount == Decimal("50.00") and internal.minimum_applies


def test_quantities_per_unit_and_exact_rounding(sharing_world) -> None:
    start = at(monday(), 9)
    assert sel.booked_quantity_milli(RateUnit.HOUR, start, start + dt.timedelta(minutes=20)) == 333
    assert sel.booked_quantity_milli(RateUnit.HOUR, start, start + dt.timedelta(minutes=50)) == 833
    assert sel.booked_quantity_milli(RateUnit.DAY, start, start + dt.timedelta(hours=8)) == 1000
    assert sel.booked_quantity_milli(RateUnit.FLAT, start, start + dt.timedelta(hours=8)) == 1000
    assert sel.booked_quantity_milli(RateUnit.SAMPLE, start, start + dt.timedelta(hours=1)) is None
    rate = Rate(price=Decimal("33.33"), minimum_charge=Decimal("0"), late_cancellation_bp=3333)
    assert sel.fee_for(rate, 1500) == Decimal("50.00")  # 49.995 → 50.00 (half up, in fen)
    assert sel.late_fee(rate, 1500) == Decimal("16.67")  # 5000 fen × 0.3333 = 1666.5 → 1667


# --- opening hours and closures -----------------------------------------------------------


def test_owner_manages_opening_hours_and_closures(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    with pytest.raises(PermissionDenied):
        services.opening_hours_add(
            actor=p.owner, resource=w.resource, weekday=5, opens=dt.time(9), closes=dt.time(12)
        )
    with pytest.raises(ValidationError):
        services.opening_hours_add(
            actor=p.researcher, resource=w.resource, weekday=0,
            opens=dt.time(16), closes=dt.time(18),
        )  # fmt: skip
    period = services.opening_hours_add(
        actor=p.researcher, resource=w.resource, weekday=5, opens=dt.time(9), closes=dt.time(12)
    )
    saturday = monday() + dt.timedelta(days=5)
    assert book(p.owner, w.resource, saturday, (9, 0), (10, 0))
    booking = book(p.owner, w.resource, monday(), (13, 0), (14, 0))
    _closure, affected = services.closure_add(
        actor=p.researcher, resource=w.resource, starts_at=at(monday(), 12),
        ends_at=at(monday(), 18), reason="停电检修",
    )  # fmt: skip
    assert affected == 1 and booking.pk
    services.opening_hours_remove(actor=p.researcher, period=period)
    assert not OpeningHours.objects.filter(pk=period.pk).exists()
    assert AuditEvent.objects.filter(object_type="sharing.openinghours", event="delete").exists()


# --- visibility ---------------------------------------------------------------------------


def test_who_sees_a_booking(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = book(p.owner, w.resource, monday(), (9, 0), (10, 0))
    for user in (p.owner, p.colleague, p.researcher, w.tech_a, w.agency_member, p.staff):
        assert sel.bookings_visible_to(user).filter(pk=booking.pk).exists(), user
    assert not sel.bookings_visible_to(p.outsider).filter(pk=booking.pk).exists()
    assert list(sel.provider_bookings(p.researcher)) == [booking]
    assert not sel.provider_bookings(p.owner).exists()
    assert list(sel.customer_bookings(p.owner)) == [booking]


# --- free resources -----------------------------------------------------------------------


def test_free_resources_of_a_field_with_a_long_enough_stretch(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    day = monday()
    start, end = at(day, 0), at(day + dt.timedelta(days=1), 0)  # Monday only: 8 h open
    found = sel.free_resources("new_materials", start, end, 60)
    assert [r.resource_id for r in found] == [w.resource.pk]
    assert found[0].free_minutes == 480 and found[0].first_free == at(day, 9)
    assert sel.free_resources("agriculture", start, end, 60) == []
    # A closure over part of the day counts with the bookings.
    Closure.objects.create(
        resource=w.resource, starts_at=at(day, 12), ends_at=at(day, 13), reason="午间检修"
    )
    split = sel.free_resources("new_materials", start, end, 60)
    assert split[0].free_minutes == 420 and split[0].longest_free_minutes == 240
    Closure.objects.all().delete()
    # Book all but 09:00–09:30 and 16:30–17:00: no stretch of an hour remains.
    w.resource.max_booking_minutes = 480
    w.resource.save()
    book(p.owner, w.resource, day, (9, 30), (16, 30))
    assert sel.free_resources("new_materials", start, end, 60) == []
    left = sel.free_resources("new_materials", start, end, 30)
    assert left[0].free_minutes == 60 and left[0].longest_free_minutes == 30


def test_interval_arithmetic() -> None:
    assert sel.merge([(5, 7), (1, 3), (3, 4), (6, 9)]) == [(1, 4), (5, 9)]
    assert sel.subtract([(0, 10), (20, 30)], [(2, 3), (8, 22), (29, 40)]) == [
        (0, 2), (3, 8), (22, 29),
    ]  # fmt: skip
    assert sel.subtract([(0, 10)], []) == [(0, 10)]
    # Holes sorted by start may overlap (a closure over bookings).
    assert sel.subtract([(0, 10), (20, 30)], [(2, 25), (3, 5)]) == [(0, 2), (25, 30)]
    assert sel.subtract([(0, 10)], [(2, 8), (3, 5), (7, 9)]) == [(0, 2), (9, 10)]
    assert sel.clip([(0, 10), (15, 20)], 5, 16) == [(5, 10), (15, 16)]
