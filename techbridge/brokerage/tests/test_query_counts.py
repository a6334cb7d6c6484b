"""The performance page, the boards, deal lists and the API lists answer in a number of
queries that does not grow with the number of brokers, deals, stations or meetings
(issue 9 item 16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from techbridge.accounts.roles import Role
from techbridge.brokerage.models import (
    Deal,
    DealStage,
    MatchmakingEvent,
    Meeting,
    MeetingRequest,
    Participant,
    Recommendation,
    Station,
    TechSquad,
    VisitLog,
)
from techbridge.core.testing import make_organisation, make_user
from techbridge.organisations.models import OrganisationKind

pytestmark = pytest.mark.django_db


def _grow(world: Any, n: int) -> None:
    """``n`` more of everything the pages list: brokers with a recommendation and deals in
    two stages, deals of the world's broker, stations with a squad and a visit, and
    published meetings with a participant pair, a request and a meeting (the rows are the
    fixture, written directly; the pages reading them are under test)."""
    p = world.personas
    start = Deal.objects.count()
    for i in range(start, start + n):
        broker = make_user(f"qc-broker-{i}", Role.BROKER, world.agency)
        Recommendation.objects.create(
            demand=world.demand,
            resource_kind="achievement",
            resource_id=100_000 + i,  # one recommendation per demand and resource
            resource_title=f"成果 {i}",
            resource_owner=p.institution,
            broker=broker,
        )
        for who, stage in ((broker, DealStage.PUBLICATION), (world.broker, DealStage.VALUATION)):
            Deal.objects.create(
                title=f"项目 {i} {stage}",
                demand=world.demand,
                enterprise=p.org,
                supplier=p.institution,
                broker=who,
                stage=stage,
            )
        station_org = make_organisation(f"工作站 {i}", OrganisationKind.STATION)
        station = Station.objects.create(organisation=station_org, name=f"工作站 {i}")
        squad = TechSquad.objects.create(station=station, name=f"小分队 {i}")
        VisitLog.objects.create(
            station=station, squad=squad, enterprise=p.org, visited_on=dt.date(2026, 11, 1)
        )
        event = MatchmakingEvent.objects.create(
            title=f"对接会 {i}",
            held_on=dt.date(2026, 11, 1) - dt.timedelta(days=i),
            organiser=world.broker,
            status="published",
        )
        a = Participant.objects.create(event=event, organisation=p.org)
        b = Participant.objects.create(event=event, organisation=p.institution)
        request = MeetingRequest.objects.create(
            event=event, requester=a, target=b, status="accepted"
        )
        Meeting.objects.create(event=event, request=request, table=0, slot=0)


def _queries(client: Client, url: str) -> int:
    """Queries of the second request (the first also touches the session)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _pages(world: Any) -> list[tuple[Any, str]]:
    p = world.personas
    return [
        (p.staff, "/brokerage/performance/"),
        (world.broker, "/brokerage/performance/"),
        (world.broker, "/brokerage/board/"),
        (p.staff, "/brokerage/bureau/"),
        (p.owner, "/brokerage/deals/"),
        (p.owner, "/brokerage/recommendations/"),
        (p.researcher, "/brokerage/feedback/"),
        (p.owner, "/api/v1/deals/"),
        (p.owner, "/api/v1/recommendations/"),
        (None, "/brokerage/meetings/"),
        (None, "/api/v1/meetings/"),
    ]


def _counts(world: Any) -> dict[tuple[str, str], int]:
    p = world.personas
    return {
        (getattr(user, "username", "anonymous"), url): _queries(p.client_for(user), url)
        for user, url in _pages(world)
    }


def test_pages_cost_the_same_for_2_or_8_of_everything(world) -> None:
    _grow(world, 2)
    few = _counts(world)
    _grow(world, 6)
    many = _counts(world)
    assert many == few


def test_batched_figures_are_each_brokers_and_each_events_own(world) -> None:
    from techbridge.brokerage import selectors

    _grow(world, 3)
    rows = selectors.brokers_performance(selectors.brokers_visible_to(world.personas.staff))
    by_name = {row.broker.username: row for row in rows}
    assert by_name["broker1"].open_deals == 3 and by_name["broker1"].recommendations == 0
    assert by_name["broker1"].by_stage[DealStage.VALUATION] == 3
    for i in range(3):
        row = by_name[f"qc-broker-{i}"]
        assert (row.recommendations, row.demands, row.open_deals) == (1, 1, 1)
        assert row.by_stage[DealStage.PUBLICATION] == 1 and row.acceptance_rate is None
    reports = selectors.events_report(MatchmakingEvent.objects.order_by("pk"))
    assert [(r.participants, r.requests, r.accepted, r.scheduled, r.held) for _e, r in reports] == [
        (2, 1, 1, 1, 0)
    ] * 3
    stations = selectors.station_performance()
    assert [(r["squad"] != "", r["visits"]) for r in stations] == [(False, 1), (True, 1)] * 3
