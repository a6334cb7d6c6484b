"""The order page's "pay part with a voucher" action (the vouchers part's apply_voucher), and
what an amendment or a cancellation does to a voucher part already applied: it is released
before the amount changes, so a voucher never pays for what the order no longer costs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from techbridge.sharing.models import OrderEventKind, OrderStatus, Voucher
from techbridge.sharing.services import orders as services
from techbridge.sharing.services import vouchers as voucher_services
from techbridge.sharing.tests.conftest_orders import OrderWorld, at, make_booking, ow_fixture  # noqa: F401 (fixture)
from techbridge.sharing.tests.conftest_vouchers import programme_data

pytestmark = pytest.mark.django_db


def _voucher(ow: OrderWorld, amount: str = "1000.00") -> Voucher:
    p = ow.personas
    programme = voucher_services.programme_create(actor=p.staff, **programme_data())
    voucher_services.programme_open(actor=p.staff, programme=programme)
    application = voucher_services.application_submit(
        actor=p.owner, programme=programme, amount_requested=amount
    )
    return voucher_services.application_approve(actor=p.staff, application=application)


def _priced(ow: OrderWorld):  # type: ignore[no-untyped-def]
    day = timezone.localdate() - dt.timedelta(days=10)
    order = services.order_from_booking(actor=None, booking=make_booking(ow.world, day))
    return day, services.usage_record(
        actor=ow.tech_a, order=order, actual_start=at(day, 9), actual_end=at(day, 10, 30)
    )


def test_the_customer_pays_part_with_a_voucher_on_the_order_page(ow: OrderWorld) -> None:
    p = ow.personas
    voucher = _voucher(ow)
    _day, order = _priced(ow)
    url = reverse("sharing:order", args=[order.pk])
    page = p.client_for(p.owner).get(url).content.decode()
    action = reverse("sharing:order_action", args=[order.pk, "voucher"])
    assert action in page and voucher.code in page
    assert action not in p.client_for(p.researcher).get(url).content.decode()
    p.client_for(p.owner).post(action, {"voucher": voucher.pk, "amount": ""})
    order.refresh_from_db()
    # 270.00, of which a voucher pays at most 50 %
    assert order.voucher_amount == Decimal("135.00")
    assert order.enterprise_amount == Decimal("135.00")
    page = p.client_for(p.owner).get(url).content.decode()
    assert "135.00" in page and voucher.code in page
    # Confirming afterwards still works (the version moved with the voucher part).
    order = services.order_confirm(actor=p.owner, order=order, expected_version=order.version)
    assert order.status == OrderStatus.CONFIRMED


def test_an_amendment_releases_the_voucher_part_first(ow: OrderWorld) -> None:
    p = ow.personas
    voucher = _voucher(ow)
    day, order = _priced(ow)
    voucher_services.apply_voucher(actor=p.owner, order=order, voucher=voucher)
    order = services.usage_amend(
        actor=ow.tech_a,
        order=order,
        reason="少计了半小时",
        actual_start=at(day, 9),
        actual_end=at(day, 11),
    )
    assert order.amount == Decimal("360.00")
    assert (order.voucher_amount, order.enterprise_amount) == (Decimal("0.00"), Decimal("360.00"))
    voucher.refresh_from_db()
    assert voucher.used == Decimal("0.00")
    kinds = list(order.events.values_list("kind", flat=True))
    assert OrderEventKind.VOUCHER_RELEASED in kinds and kinds[-1] == OrderEventKind.AMENDED


def test_a_cancellation_releases_the_voucher_part(ow: OrderWorld) -> None:
    p = ow.personas
    voucher = _voucher(ow)
    _day, order = _priced(ow)
    voucher_services.apply_voucher(actor=p.owner, order=order, voucher=voucher)
    services.order_cancel(actor=p.owner, order=order, reason="不再需要")
    voucher.refresh_from_db()
    order.refresh_from_db()
    assert voucher.used == Decimal("0.00") and order.voucher_amount == Decimal("0.00")
    assert order.status == OrderStatus.CANCELLED
