"""Stations, squads and visits: demands recorded on the enterprise's behalf through the
catalogue's flow, confirmed by the enterprise, counted per station and squad."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from techbridge.accounts.roles import Role
from techbridge.brokerage import selectors, services
from techbridge.brokerage.suggestions import suggest_invitations
from techbridge.catalogue.services import demand_confirm
from techbridge.core.testing import make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(personas, codes):
    org = make_organisation("快速响应站", "station", region_code="520100")
    staff = make_user("station1", Role.STATION_STAFF, org)
    station = services.station_create(actor=personas.staff, organisation=org, members=[staff])
    squad = services.squad_create(actor=staff, station=station, name="第一小分队", members=[staff])
    return station, squad, staff


def test_visit_records_demand_enterprise_confirms(personas, station) -> None:
    station, squad, staff = station
    visit = services.visit_create(
        actor=staff, enterprise=personas.org, visited_on=dt.date(2026, 3, 1), squad=squad
    )
    demand = services.visit_record_demand(
        actor=staff, visit=visit, title="红泥综合利用", technical_field="environment"
    )
    assert demand.owner == personas.org and demand.channel == "tech_squad"
    assert demand.needs_confirmation
    assert list(visit.demands.all()) == [demand]
    demand_confirm(actor=personas.owner, demand=demand)
    demand.refresh_from_db()
    assert not demand.needs_confirmation
    rows = selectors.station_performance()
    assert {"name": station.name, "squad": "", "visits": 1, "demands": 1} in rows
    assert {"name": station.name, "squad": "第一小分队", "visits": 1, "demands": 1} in rows
    # Other people cannot log visits or record demands for the station.
    with pytest.raises(PermissionDenied):
        services.visit_create(
            actor=personas.owner, enterprise=personas.org, visited_on=dt.date.today()
        )
    with pytest.raises(PermissionDenied):
        services.visit_record_demand(actor=personas.staff, visit=visit, title="x")
    # Pages: station staff and bureau see visits; members do not.
    client = personas.client_for(staff)
    assert client.get("/brokerage/visits/").status_code == 200
    assert client.get(f"/brokerage/visits/{visit.pk}/").status_code == 200
    assert personas.client_for(personas.owner).get("/brokerage/visits/").status_code == 403
    assert (
        personas.client_for(personas.staff).get(f"/brokerage/visits/{visit.pk}/").status_code == 200
    )


def test_visit_page_logs_a_visit(personas, station) -> None:
    _station, squad, staff = station
    response = personas.client_for(staff).post(
        "/brokerage/visits/",
        {
            "enterprise": personas.org.pk,
            "visited_on": "2026-03-02",
            "squad": squad.pk,
            "notes": "走访",
        },
    )
    assert response.status_code == 302
    assert selectors.visits_visible_to(staff).count() == 1


def test_engine_suggests_invitations(world) -> None:
    event = services.event_create(
        actor=world.broker,
        title="新材料对接会",
        held_on=dt.date(2026, 6, 1),
        themes=["new_materials"],
    )
    suggestions = suggest_invitations(event)
    kinds = {(s.kind, s.id) for s in suggestions}
    assert ("demand", world.demand.pk) in kinds
    assert ("achievement", world.achievement.pk) in kinds
    services.event_invite(
        actor=world.broker, event=event, record_kind="demand", record_id=world.demand.pk
    )
    services.event_invite(
        actor=world.broker, event=event, record_kind="achievement", record_id=world.achievement.pk
    )
    remaining = {(s.kind, s.id) for s in suggest_invitations(event)}
    assert ("achievement", world.achievement.pk) not in remaining
    assert ("demand", world.demand.pk) not in remaining


def test_broker_profile(world) -> None:
    profile = services.broker_profile_save(
        actor=world.broker,
        broker=world.broker,
        certificate_number="JSJJR-1",
        training_records=[{"course": "技术经纪人培训", "hours": 48}],
        technical_fields=["new_materials"],
    )
    assert profile.agency == world.agency
    with pytest.raises(PermissionDenied):
        services.broker_profile_save(actor=world.personas.owner, broker=world.broker, bio="x")
