"""Matchmaking meetings through the services: register, request, accept, schedule (no
participant or table double-booked in the database), outcomes into deals, the report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent
from techbridge.brokerage import selectors, services
from techbridge.brokerage.models import Deal, Meeting, MeetingSeat, Participant
from techbridge.core.exceptions import TransitionError
from techbridge.core.testing import make_organisation, make_user
from techbridge.notifications.models import Notification

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    """The page's text, after checking it answered 200 (a text missing from an error page
    proves nothing)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def event(personas):
    agency = make_organisation("Agency", "agency")
    broker = make_user("broker2", Role.BROKER, agency)
    event = services.event_create(
        actor=broker,
        title="京筑 供需对接会",
        held_on=dt.date(2026, 6, 1),
        place="贵阳",
        themes=["new_materials"],
        tables=2,
        slots=3,
    )
    services.event_set_status(actor=broker, event=event, status="published")
    return event


def test_meeting_flow_schedule_outcome_and_report(personas, event) -> None:
    broker = event.organiser
    enterprise = services.participant_register(actor=personas.owner, event=event)
    institute = services.participant_register(
        actor=personas.researcher, event=event, available_slots=[1, 2]
    )
    other = services.participant_register(actor=personas.outsider, event=event)
    r1 = services.meeting_request_create(
        actor=personas.owner, requester=enterprise, target=institute, note="铝合金"
    )
    r2 = services.meeting_request_create(actor=personas.outsider, requester=other, target=institute)
    r3 = services.meeting_request_create(
        actor=personas.outsider, requester=other, target=enterprise
    )
    assert Notification.objects.filter(recipient=personas.researcher, kind="meeting").count() == 2
    # Only the participant asked answers.
    with pytest.raises(PermissionDenied):
        services.meeting_request_decide(actor=personas.owner, request=r2, accept=True)
    services.meeting_request_decide(actor=personas.researcher, request=r1, accept=True)
    services.meeting_request_decide(actor=personas.researcher, request=r2, accept=True)
    services.meeting_request_decide(actor=personas.owner, request=r3, accept=False)
    with pytest.raises(TransitionError):
        services.meeting_request_decide(actor=personas.owner, request=r3, accept=True)

    result = services.event_schedule(actor=broker, event=event)
    assert result.count == 2
    meetings = list(Meeting.objects.filter(event=event))
    assert {m.request_id for m in meetings} == {r1.pk, r2.pk}
    # The institute is available in slots 1 and 2 only and meets once per slot.
    assert {m.slot for m in meetings} == {1, 2}
    assert MeetingSeat.objects.filter(participant=institute).count() == 2
    assert Notification.objects.filter(recipient=personas.owner, kind="meeting").exists()
    assert AuditEvent.objects.filter(object_type="brokerage.meeting", event="create").count() == 2

    # The database itself refuses a double booking.
    m = meetings[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingSeat.objects.create(meeting=meetings[1], participant=institute, slot=m.slot)

    # Personal schedules.
    mine = selectors.schedule_rows(event, enterprise)
    assert [row["other"] for row in mine] == [institute]

    # Outcome: intent, with a deal opened for the two parties.
    first = Meeting.objects.get(request=r1)
    services.meeting_record_outcome(
        actor=broker, meeting=first, outcome="intent", note="意向", open_deal=True
    )
    deal = Deal.objects.get(meeting=first)
    assert (deal.enterprise, deal.supplier, deal.broker) == (
        personas.org,
        personas.institution,
        broker,
    )
    # Rescheduling keeps meetings with an outcome where they were.
    services.event_schedule(actor=broker, event=event)
    first.refresh_from_db()
    assert first.outcome == "intent"
    assert Meeting.objects.filter(event=event).count() == 2

    report = selectors.event_report(event)
    assert (report.participants, report.requests, report.accepted) == (3, 3, 2)
    assert (report.scheduled, report.held, report.intents, report.deals) == (2, 1, 1, 1)


def test_registration_needs_own_organisation_and_published_event(personas, event) -> None:
    with pytest.raises(PermissionDenied):
        services.participant_register(
            actor=personas.outsider, event=event, organisation=personas.org
        )
    services.participant_register(actor=personas.owner, event=event)
    with pytest.raises(ValidationError):
        services.participant_register(actor=personas.colleague, event=event)
    assert Participant.objects.filter(event=event).count() == 1


def test_event_pages_public_list_participants_private(personas, event) -> None:
    services.participant_register(actor=personas.owner, event=event, person_name="王五")
    url = f"/brokerage/meetings/{event.pk}/"
    for client in (personas.anonymous, personas.client_for(personas.outsider)):
        shown = page(client, url)
        assert event.title in shown and "王五" not in shown
    assert "王五" in page(personas.client_for(personas.owner), url)
    assert (
        personas.client_for(personas.outsider)
        .get(f"/brokerage/meetings/{event.pk}/schedule/")
        .status_code
        == 404
    )
    assert (
        personas.client_for(personas.owner)
        .get(f"/brokerage/meetings/{event.pk}/schedule/")
        .status_code
        == 200
    )
    assert (
        personas.client_for(personas.owner)
        .get(f"/brokerage/meetings/{event.pk}/report/")
        .status_code
        == 404
    )


def test_draft_event_hidden_from_the_public(personas) -> None:
    agency = make_organisation("Agency", "agency")
    broker = make_user("broker3", Role.BROKER, agency)
    draft = services.event_create(actor=broker, title="草稿", held_on=dt.date(2026, 7, 1))
    assert personas.anonymous.get(f"/brokerage/meetings/{draft.pk}/").status_code == 404
    assert personas.client_for(broker).get(f"/brokerage/meetings/{draft.pk}/").status_code == 200
    listing = page(personas.anonymous, "/brokerage/meetings/")
    assert "草稿" not in listing
    assert "草稿" in page(personas.client_for(broker), "/brokerage/meetings/")


def test_participant_changes_availability_on_the_page(personas, event) -> None:
    me = services.participant_register(actor=personas.owner, event=event)
    client = personas.client_for(personas.owner)
    assert "availability" in page(client, f"/brokerage/meetings/{event.pk}/")
    client.post(
        f"/brokerage/meetings/{event.pk}/do/availability/",
        {"participant": me.pk, "available_slots": ["0", "2"]},
    )
    me.refresh_from_db()
    assert me.available_slots == [0, 2]
    # Someone else's participation cannot be changed.
    other = services.participant_register(actor=personas.outsider, event=event)
    response = client.post(
        f"/brokerage/meetings/{event.pk}/do/availability/",
        {"participant": other.pk, "available_slots": ["1"]},
    )
    other.refresh_from_db()
    assert other.available_slots == []
    assert response.status_code == 302
