"""Every booking page in headless Chromium at 1280 and 390 px (zh-CN): it answers 200,
shows a heading, raises no script error and is never wider than the screen. Screenshots
land in pytest's tmp_path (``--basetemp`` to keep them)."""

from __future__ import annotations

import pytest

from techbridge.core.testing import PASSWORD
from techbridge.sharing.models import Closure
from techbridge.sharing.services import bookings as services
from techbridge.sharing.tests.conftest_bookings import at, book, monday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pages(w, booking) -> dict[str, tuple[object, str]]:
    p, r = w.personas, w.resource.pk
    start = at(monday(), 9).strftime("%Y-%m-%dT%H:%M")
    return {
        "calendar": (p.owner, f"/sharing/resources/{r}/calendar/?week={monday()}"),
        "book": (p.colleague, f"/sharing/resources/{r}/book/?start={start}&minutes=60"),
        "detail-owner": (p.researcher, f"/sharing/bookings/{booking.pk}/"),
        "detail-customer": (p.owner, f"/sharing/bookings/{booking.pk}/"),
        "list": (p.owner, "/sharing/bookings/"),
        "queue": (p.researcher, "/sharing/bookings/?view=provider"),
        "hours": (p.researcher, f"/sharing/resources/{r}/hours/"),
        "free": (p.owner, f"/sharing/bookings/free/?field=new_materials&start={monday()}"),
        "feed": (p.owner, "/sharing/bookings/feed/"),
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_booking_pages_fit_the_screen(browser, live_server, sharing_world, tmp_path, width):
    w, p = sharing_world, sharing_world.personas
    booking = book(p.owner, w.resource, monday(), (10, 0), (11, 30), purpose="断口形貌观察")
    book(p.outsider, w.resource, monday(), (13, 0), (14, 0))
    services.booking_cancel(actor=p.owner, booking=book(p.owner, w.resource, monday(), (15, 0),
                                                        (15, 30)), reason="改期")  # fmt: skip
    Closure.objects.create(resource=w.resource, starts_at=at(monday(), 16),
                           ends_at=at(monday(), 17), reason="年度保养")  # fmt: skip
    contexts: dict[int, object] = {}
    for name, (user, path) in _pages(w, booking).items():
        if user.pk not in contexts:
            context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", user.username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            contexts[user.pk] = (context, page)
        _context, page = contexts[user.pk]
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        response = page.goto(f"{live_server.url}{path}")
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
        assert response is not None and response.status == 200, (name, response and response.status)
        assert page.locator("h1").count() == 1, name
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} is {scroll}px wide at {width}px"
        assert not errors, (name, errors)
    for context, _page in contexts.values():
        context.close()
