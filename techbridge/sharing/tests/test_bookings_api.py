"""Bookings API: availability, quotes, POST (201 / 400 with field errors / 409), the
steps, lists, free-resource search, access and the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

import pytest

from techbridge.sharing.models import Booking
from techbridge.sharing.tests.conftest_bookings import at, book, monday

pytestmark = pytest.mark.django_db
API = "/api/v1/sharing"


def _post(client, day, start=(10, 0), end=(11, 0), **extra):
    return client.post(
        f"{API}/bookings/",
        {"resource": extra.pop("resource"), "starts_at": at(day, *start).isoformat(),
         "ends_at": at(day, *end).isoformat(), **extra},
        content_type="application/json",
    )  # fmt: skip


def test_book_then_conflict_then_field_errors(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    owner, outsider = p.client_for(p.owner), p.client_for(p.outsider)
    day = monday()
    created = _post(owner, day, resource=w.resource.pk, purpose="断口分析")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "requested" and body["assisted"] is False
    assert body["rate_class"] == "partner_enterprise" and body["late_fee"] == "0.00"
    taken = _post(outsider, day, (10, 30), (11, 30), resource=w.resource.pk)
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "conflict"
    outside = _post(outsider, day, (7, 0), (8, 0), resource=w.resource.pk)
    assert outside.status_code == 400 and "starts_at" in outside.json()["error"]["fields"]
    bad = owner.post(f"{API}/bookings/", {"resource": w.resource.pk, "starts_at": "morgen"},
                     content_type="application/json")  # fmt: skip
    assert bad.status_code == 400
    assert {"starts_at", "ends_at"} <= set(bad.json()["error"]["fields"])
    unknown = _post(owner, day, (14, 0), (15, 0), resource=999999)
    assert unknown.status_code == 400 and "resource" in unknown.json()["error"]["fields"]
    assert Booking.objects.count() == 1


def test_steps_through_the_api(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    booking = book(p.owner, w.resource, monday(), (9, 0), (10, 0))
    owner, researcher = p.client_for(p.owner), p.client_for(p.researcher)
    url = f"{API}/bookings/{booking.pk}"
    assert owner.post(f"{url}/approve/").status_code == 403
    assert p.client_for(p.outsider).post(f"{url}/approve/").status_code == 404
    rejected = researcher.post(f"{url}/reject/", {}, content_type="application/json")
    assert rejected.status_code == 400 and "reason" in rejected.json()["error"]["fields"]
    approved = researcher.post(f"{url}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert researcher.post(f"{url}/approve/").status_code == 409
    assert researcher.post(f"{url}/no-show/").status_code == 409  # not started yet
    cancelled = owner.post(
        f"{url}/cancel/", {"reason": "计划变更"}, content_type="application/json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_lists_mine_and_provider(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    mine = book(p.owner, w.resource, monday(), (9, 0), (10, 0))
    book(p.colleague, w.resource, monday(), (10, 0), (11, 0))
    owner_list = p.client_for(p.owner).get(f"{API}/bookings/").json()
    assert [r["id"] for r in owner_list["results"]] == [mine.pk]
    queue = p.client_for(p.researcher).get(f"{API}/bookings/?scope=provider&status=requested")
    assert queue.json()["count"] == 2
    assert p.client_for(p.outsider).get(f"{API}/bookings/?scope=provider").json()["count"] == 0
    assert p.client_for(p.owner).get(f"{API}/bookings/?scope=x").status_code == 400
    assert p.client_for(p.outsider).get(f"{API}/bookings/{mine.pk}/").status_code == 404
    assert p.anonymous.get(f"{API}/bookings/").status_code in (401, 403)


def test_availability_and_quote(sharing_world) -> None:
    w, p = sharing_world, sharing_world.personas
    day = monday()
    book(p.colleague, w.resource, day, (10, 0), (12, 0))
    client = p.client_for(p.outsider)
    got = client.get(f"{API}/resources/{w.resource.pk}/availability/?start={day}&end={day}")
    assert got.status_code == 200
    body = got.json()
    assert [(f["minutes"]) for f in body["free"]] == [60, 300]
    assert len(body["busy"]) == 1 and set(body["busy"][0]) == {"start", "end", "minutes"}
    too_long = client.get(
        f"{API}/resources/{w.resource.pk}/availability/?start={day}"
        f"&end={day + dt.timedelta(days=70)}"
    )
    assert too_long.status_code == 400
    quote = p.client_for(p.owner).get(
        f"{API}/resources/{w.resource.pk}/quote/",
        {"starts_at": at(day, 13).isoformat(), "ends_at": at(day, 14, 30).isoformat()},
    ).json()
    assert quote["estimated_fee"] == "270.00" and quote["unit_price"] == "180.00"
    assert quote["quantity_milli"] == 1500 and quote["problem"] == ""
    busy = p.client_for(p.owner).get(
        f"{API}/resources/{w.resource.pk}/quote/",
        {"starts_at": at(day, 11).isoformat(), "ends_at": at(day, 12).isoformat()},
    ).json()
    assert busy["problem"]  # "already booked", in the request's language


def test_free_resources_api(sharing_world) -> None:
    p = sharing_world.personas
    client = p.client_for(p.owner)
    got = client.get(f"{API}/free-resources/?field=new_materials&start={monday()}&days=7")
    assert got.status_code == 200
    assert [r["name"] for r in got.json()["results"]] == [sharing_world.resource.name]
    assert client.get(f"{API}/free-resources/?field=nope").status_code == 400


def test_the_schema_documents_the_booking_api(sharing_world) -> None:
    p = sharing_world.personas
    schema = p.client_for(p.owner).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    post = paths["/api/v1/sharing/bookings/"]["post"]
    assert {"201", "400", "409"} <= set(post["responses"])
    for path in ("approve", "reject", "cancel", "no-show", "complete"):
        assert f"/api/v1/sharing/bookings/{{id}}/{path}/" in paths
    assert "/api/v1/sharing/resources/{id}/availability/" in paths
    assert "/api/v1/sharing/free-resources/" in paths


def test_the_list_does_not_query_per_booking(sharing_world) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from techbridge.sharing.services import bookings as services

    w, p = sharing_world, sharing_world.personas
    client = p.client_for(p.owner)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/bookings/").status_code == 200
        return len(queries)

    day = monday()
    services.booking_cancel(actor=p.owner, booking=book(p.owner, w.resource, day, (9, 0), (10, 0)))
    count()  # the first request of a session also touches the session itself
    few = count()
    for hour in (11, 13, 15):
        booking = book(p.owner, w.resource, day, (hour, 0), (hour + 1, 0))
        services.booking_cancel(actor=p.owner, booking=booking)
    assert count() == few
