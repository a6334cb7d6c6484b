"""Booking a slot in the week calendar in headless Chromium (issue 11 acceptance): the
member logs in, picks 09:00 and 10:00 of next Monday (a 90-minute range), sees the price,
confirms, and lands on the booking; the calendar then shows the slots as theirs. The same
page at phone width is no wider than the phone."""

from __future__ import annotations

import pytest

from techbridge.core.testing import PASSWORD
from techbridge.sharing.models import Booking, BookingStatus
from techbridge.sharing.tests.conftest_bookings import at, monday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_member_books_a_slot_in_the_calendar(browser, live_server, sharing_world, tmp_path):
    w, p = sharing_world, sharing_world.personas
    day = monday()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server.url, p.owner.username)
    page.goto(f"{live_server.url}/sharing/resources/{w.resource.pk}/calendar/?week={day}")
    first = page.locator(f'a[data-start="{day}T09:00"]')
    last = page.locator(f'a[data-start="{day}T10:00"]')
    first.click()
    last.click()
    pick = page.locator("[data-pick]")
    assert pick.is_visible()
    assert "09:00–10:30" in pick.inner_text()
    assert page.locator(".slot.picked").count() == 3
    page.screenshot(path=str(tmp_path / "calendar-1280.png"), full_page=True)
    page.click("[data-pick-go]")
    page.wait_for_load_state()
    assert "/book/" in page.url
    assert page.locator("[data-fee]").get_attribute("data-fee") == "270.00"
    page.fill("input[name=purpose]", "浏览器测试")
    page.click("[data-confirm-booking]")
    page.wait_for_load_state()
    booking = Booking.objects.get()
    assert page.url.endswith(f"/sharing/bookings/{booking.pk}/")
    assert booking.starts_at == at(day, 9) and booking.ends_at == at(day, 10, 30)
    assert booking.status == BookingStatus.REQUESTED and booking.purpose == "浏览器测试"
    page.goto(f"{live_server.url}/sharing/resources/{w.resource.pk}/calendar/?week={day}")
    assert page.locator(".slot.mine").count() == 3
    assert not errors, errors
    context.close()


def test_calendar_fits_a_phone(browser, live_server, sharing_world, tmp_path):
    w, p = sharing_world, sharing_world.personas
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    _login(page, live_server.url, p.owner.username)
    day = monday()
    page.goto(f"{live_server.url}/sharing/resources/{w.resource.pk}/calendar/?week={day}")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(tmp_path / "calendar-390.png"), full_page=True)
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    page.locator(f'a[data-start="{day}T14:00"]').tap()
    page.click("[data-pick-go]")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("[data-confirm-booking]")
    page.wait_for_load_state()
    assert Booking.objects.get().starts_at == at(day, 14)
    context.close()
