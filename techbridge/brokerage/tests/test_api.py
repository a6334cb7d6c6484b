"""The brokerage API: participants only, stale versions → 409 in the common error format,
public meeting list."""

from __future__ import annotations

import pytest

from techbridge.brokerage import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(world):
    reco = services.recommendation_create(
        actor=world.broker,
        demand=world.demand,
        resource_kind="achievement",
        resource_id=world.achievement.pk,
    )
    services.recommendation_accept(actor=world.personas.owner, recommendation=reco)
    return services.deal_create(actor=world.broker, recommendation=reco)


def test_deals_api_access_and_conflict(world, deal) -> None:
    p = world.personas
    broker = p.client_for(world.broker)
    assert [d["id"] for d in broker.get("/api/v1/deals/").json()["results"]] == [deal.pk]
    assert p.client_for(p.outsider).get("/api/v1/deals/").json()["results"] == []
    assert p.client_for(p.outsider).get(f"/api/v1/deals/{deal.pk}/").status_code == 404
    detail = p.client_for(p.owner).get(f"/api/v1/deals/{deal.pk}/").json()
    assert detail["stage"] == "publication" and detail["events"][0]["kind"] == "created"
    # The enterprise follows but cannot move the deal.
    assert p.client_for(p.owner).post(f"/api/v1/deals/{deal.pk}/move/", {}).status_code == 404
    moved = broker.post(
        f"/api/v1/deals/{deal.pk}/move/", {"version": deal.version}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "packaging"
    stale = broker.post(
        f"/api/v1/deals/{deal.pk}/move/", {"version": deal.version}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["status"] == 409


def test_recommendation_api(world) -> None:
    p = world.personas
    created = p.client_for(world.broker).post(
        "/api/v1/recommendations/",
        {
            "demand": world.demand.pk,
            "resource_kind": "achievement",
            "resource_id": world.achievement.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert (
        p.client_for(p.outsider)
        .post(
            f"/api/v1/recommendations/{pk}/answer/",
            {"accept": True},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    declined = p.client_for(p.owner).post(
        f"/api/v1/recommendations/{pk}/answer/",
        {"accept": False, "reason": "not_mature"},
        content_type="application/json",
    )
    assert declined.status_code == 200 and declined.json()["decline_reason"] == "not_mature"
    again = p.client_for(p.owner).post(
        f"/api/v1/recommendations/{pk}/answer/", {"accept": True}, content_type="application/json"
    )
    assert again.status_code == 409


def test_meetings_api_public_list_private_schedule(personas) -> None:
    import datetime as dt

    from techbridge.accounts.roles import Role
    from techbridge.core.testing import make_user

    broker = make_user("broker7", Role.BROKER, personas.institution)
    event = services.event_create(actor=broker, title="公开对接会", held_on=dt.date(2026, 6, 1))
    services.event_create(actor=broker, title="草稿对接会", held_on=dt.date(2026, 6, 2))
    services.event_set_status(actor=broker, event=event, status="published")
    titles = [e["title"] for e in personas.anonymous.get("/api/v1/meetings/").json()["results"]]
    assert titles == ["公开对接会"]
    url = f"/api/v1/meetings/{event.pk}/my-schedule/"
    assert personas.client_for(personas.outsider).get(url).status_code == 404
    services.participant_register(actor=personas.outsider, event=event)
    assert personas.client_for(personas.outsider).get(url).json() == []
