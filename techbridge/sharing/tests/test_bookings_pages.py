"""Booking pages and iCalendar feeds: the calendar, the price before confirming, booking
from the page (and the clear message on a taken slot), actions, opening hours, feeds."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from techbridge.sharing.models import Booking, BookingStatus, Closure
from techbridge.sharing.models.bookings import CalendarFeed
from techbridge.sharing.services import bookings as services
from techbridge.sharing.tests.conftest_bookings import at, book, monday

pytestmark = pytest.mark.django_db


def _start(day: dt.date, hour: int, minute: int = 0) -> str:
    return at(day, hour, minute).strftime("%Y-%m-%dT%H:%M")


def test_calendar_shows_free_busy_and_own_slots(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    day = monday()
    book(p.owner, w.resource, day, (9, 0), (10, 0))
    book(p.outsider, w.resource, day, (10, 0), (11, 0), purpose="秘密课题")
    page = p.client_for(p.owner).get(
        f"/sharing/resources/{w.resource.pk}/calendar/?week={day + dt.timedelta(days=2)}"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="slot mine"' in html and 'class="slot busy"' in html
    assert f'data-start="{_start(day, 11)}"' in html
    assert "秘密课题" not in html and "outsider" not in html  # no one else's details
    assert "sharing/calendar.js" in html and "<script>" not in html  # CSP: no inline script


def test_book_page_shows_the_price_then_books(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    client = p.client_for(p.owner)
    url = f"/sharing/resources/{w.resource.pk}/book/"
    start = _start(monday(), 9)
    page = client.get(url, {"start": start, "minutes": 90})
    assert page.status_code == 200
    html = page.content.decode()
    assert "¥180.00" in html and "¥270.00" in html and "1.5" in html
    assert "data-confirm-booking" in html
    done = client.post(url, {"start": start, "minutes": 90, "purpose": "断口观察"})
    booking = Booking.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/sharing/bookings/{booking.pk}/"
    assert booking.ends_at - booking.starts_at == dt.timedelta(minutes=90)
    assert booking.purpose == "断口观察"


def test_a_taken_slot_answers_409_with_a_clear_message(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    url = f"/sharing/resources/{w.resource.pk}/book/"
    start = _start(monday(), 9)
    book(p.outsider, w.resource, monday(), (9, 0), (10, 0))
    page = p.client_for(p.owner).get(url, {"start": start, "minutes": 60})
    assert "already booked" in page.content.decode() or "已被预约" in page.content.decode()
    taken = p.client_for(p.owner).post(url, {"start": start, "minutes": 60})
    assert taken.status_code == 409
    assert 'class="notice bad"' in taken.content.decode()
    assert Booking.objects.count() == 1


def test_assisted_notice_and_bad_input(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    url = f"/sharing/resources/{w.resource.pk}/book/"
    page = p.client_for(p.colleague).get(url, {"start": _start(monday(), 9), "minutes": 60})
    assert "assisted" in page.content.decode().lower() or "代操作" in page.content.decode()
    bad = p.client_for(p.colleague).post(url, {"start": "yesterday", "minutes": 60})
    assert bad.status_code == 400 and not Booking.objects.exists()
    assert p.client_for(p.staff).get(url).status_code == 403


def test_detail_actions_for_owner_and_customer(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = book(p.owner, w.resource, monday(), (9, 0), (10, 0))
    detail = f"/sharing/bookings/{booking.pk}/"
    owner_page = p.client_for(p.researcher).get(detail).content.decode()
    assert f"/sharing/bookings/{booking.pk}/approve/" in owner_page
    customer_page = p.client_for(p.owner).get(detail).content.decode()
    assert "/approve/" not in customer_page and "/cancel/" in customer_page
    assert p.client_for(p.outsider).get(detail).status_code == 404
    answer = p.client_for(p.researcher).post(f"{detail}approve/")
    assert answer.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROVED
    # A refused step shows a message and changes nothing.
    p.client_for(p.owner).post(f"{detail}approve/")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROVED
    assert p.client_for(p.owner).get(f"{detail}approve/").status_code == 405


def test_lists(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    book(p.owner, w.resource, monday(), (9, 0), (10, 0))
    mine = p.client_for(p.owner).get("/sharing/bookings/")
    assert mine.status_code == 200 and w.resource.name in mine.content.decode()
    queue = p.client_for(p.researcher).get("/sharing/bookings/?view=provider")
    assert p.org.name in queue.content.decode()
    free = p.client_for(p.owner).get(
        f"/sharing/bookings/free/?field=new_materials&start={monday()}"
    )
    assert free.status_code == 200 and w.resource.name in free.content.decode()


def test_owner_edits_hours_and_closures_on_the_page(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    url = f"/sharing/resources/{w.resource.pk}/hours/"
    assert p.client_for(p.owner).get(url).status_code == 404
    client = p.client_for(p.researcher)
    assert client.get(url).status_code == 200
    added = client.post(
        url,
        {"op": "add_hours", "hours-weekday": 5, "hours-opens": "09:00", "hours-closes": "12:00"},
    )
    assert added.status_code == 302 and w.resource.opening_hours.filter(weekday=5).exists()
    overlap = client.post(
        url,
        {"op": "add_hours", "hours-weekday": 5, "hours-opens": "11:00", "hours-closes": "13:00"},
    )
    assert overlap.status_code == 400
    closed = client.post(
        url,
        {"op": "add_closure", "closure-starts_at": _start(monday(), 9),
         "closure-ends_at": _start(monday(), 12), "closure-reason": "年检"},
    )  # fmt: skip
    assert closed.status_code == 302
    closure = Closure.objects.get(resource=w.resource)
    client.post(url, {"op": "remove_closure", "id": closure.pk})
    assert not Closure.objects.exists()


def test_resource_feed_is_public_and_has_no_personal_data(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    book(p.owner, w.resource, monday(), (9, 0), (10, 0), purpose="保密样品")
    Closure.objects.create(
        resource=w.resource, starts_at=at(monday(), 14), ends_at=at(monday(), 15), reason="保养"
    )
    answer = p.anonymous.get(f"/sharing/resources/{w.resource.pk}/busy.ics")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(answer.content)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 2
    assert events[0].decoded("dtstart") == at(monday(), 9)
    text = answer.content.decode()
    assert "保密样品" not in text and "owner" not in text and p.org.name not in text
    w.resource.active = False
    w.resource.save()
    assert p.anonymous.get(f"/sharing/resources/{w.resource.pk}/busy.ics").status_code == 404


def test_personal_feed_works_without_a_session_and_can_be_revoked(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = book(p.owner, w.resource, monday(), (9, 0), (10, 0), purpose="我的实验")
    book(p.outsider, w.resource, monday(), (10, 0), (11, 0), purpose="别人的实验")
    made = p.client_for(p.owner).post("/sharing/bookings/feed/", {"op": "create"})
    html = made.content.decode()
    assert made["Cache-Control"] == "no-store"
    url = html.split('class="feed-url" type="text" readonly value="')[1].split('"')[0]
    path = url.split("testserver", 1)[1].replace("&amp;", "&")
    assert path.startswith("/sharing/feeds/my-bookings.ics?key=")
    token = path.split("key=", 1)[1]
    feed = CalendarFeed.objects.get(user=p.owner)
    assert token not in feed.digest and len(feed.digest) == 64  # only the digest is stored
    answer = p.anonymous.get(path)
    assert answer.status_code == 200
    events = list(Calendar.from_ical(answer.content).walk("VEVENT"))
    assert len(events) == 1 and "我的实验" in str(events[0].get("description"))
    assert str(events[0].get("status")) == "TENTATIVE"
    services.booking_cancel(actor=p.owner, booking=booking)
    events = list(Calendar.from_ical(p.anonymous.get(path).content).walk("VEVENT"))
    assert str(events[0].get("status")) == "CANCELLED"
    p.client_for(p.owner).post("/sharing/bookings/feed/", {"op": "revoke"})
    assert p.anonymous.get(path).status_code == 404
    assert p.anonymous.get("/sharing/feeds/my-bookings.ics?key=not-a-real-key").status_code == 404
    assert p.anonymous.get("/sharing/feeds/my-bookings.ics").status_code == 404
