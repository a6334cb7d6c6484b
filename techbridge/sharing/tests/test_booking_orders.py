"""Bookings and orders meet: an approved booking opens its draft order (so staff can record
usage from the order page); a late cancellation or a no-show turns it into a fee order; a
free cancellation cancels it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from techbridge.sharing.models import OrderKind, OrderStatus, ServiceOrder
from techbridge.sharing.services import bookings

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _next_monday(days_ahead: int = 14) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _book(world, day: dt.date, hour: int = 10):
    start = dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)
    booking = bookings.booking_create(
        actor=world.personas.owner,
        resource=world.resource,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        purpose="SEM",
    )
    assert not ServiceOrder.objects.filter(booking=booking).exists()  # awaiting approval
    return bookings.booking_approve(actor=world.personas.researcher, booking=booking, note="")


def test_approval_opens_the_draft_order_and_free_cancellation_cancels_it(sharing_world) -> None:
    booking = _book(sharing_world, _next_monday())
    order = ServiceOrder.objects.get(booking=booking)
    assert (order.kind, order.status, order.booked_quantity_milli) == (
        OrderKind.BOOKING,
        OrderStatus.DRAFT,
        2000,
    )
    bookings.booking_cancel(actor=sharing_world.personas.owner, booking=booking, reason="改期")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_late_cancellation_becomes_a_priced_fee_order(sharing_world) -> None:
    day = _next_monday(3)
    booking = _book(sharing_world, day)
    late = dt.datetime(day.year, day.month, day.day, 8, tzinfo=TZ)  # two hours before
    bookings.booking_cancel(
        actor=sharing_world.personas.owner, booking=booking, reason="临时有事", now=late
    )
    order = ServiceOrder.objects.get(booking=booking)
    assert order.kind == OrderKind.CANCELLATION_FEE and order.status == OrderStatus.PRICED
    assert order.amount > 0 and order.enterprise_amount == order.amount
