"""Matchmaking meetings: create and publish an event, invite records, register
participants with their availability, request and answer bilateral meetings, schedule
them (scheduler.schedule), record outcomes and follow them into deals."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record, audit_record_many, changed_fields
from techbridge.brokerage import scheduler
from techbridge.brokerage.models import (
    Deal,
    EventInvitation,
    EventStatus,
    MatchmakingEvent,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    MeetingSeat,
    Participant,
    RequestStatus,
)
from techbridge.brokerage.services._common import (
    is_broker,
    is_bureau,
    is_member_of,
    members_of,
    tell,
)
from techbridge.brokerage.services.deals import deal_create
from techbridge.catalogue import selectors as catalogue
from techbridge.catalogue.kinds import KINDS
from techbridge.codes.choices import TechField
from techbridge.core.actors import Actor, actor_or_none, is_active_user
from techbridge.core.exceptions import TransitionError
from techbridge.core.phrases import phrase
from techbridge.notifications.models import NotificationKind
from techbridge.organisations.models import Organisation, OrganisationKind

EVENT_FIELDS = (
    "title",
    "held_on",
    "place",
    "online",
    "themes",
    "description",
    "tables",
    "slots",
    "first_slot_at",
    "slot_minutes",
)


def can_organise(user: Any, event: MatchmakingEvent | None = None) -> bool:
    """Brokers and bureau staff organise meetings; an event is run by its organiser and
    bureau staff."""
    if event is None:
        return is_broker(user) or is_bureau(user)
    return bool(is_active_user(user) and (event.organiser_id == user.pk or is_bureau(user)))


def _require_organiser(actor: Actor, event: MatchmakingEvent) -> None:
    if not can_organise(actor, event):
        raise PermissionDenied(_("Only the event's organiser or bureau staff can do this."))


def _clean_event(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    errors: dict[str, list[str]] = {}
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = [_("The event needs a title.")]
    themes = cleaned.get("themes")
    if themes is not None and any(t not in TechField.values for t in themes):
        errors["themes"] = [_("Themes are technical fields.")]
    if "tables" in cleaned and not 1 <= int(cleaned["tables"] or 0) <= 200:
        errors["tables"] = [_("Between 1 and 200 tables.")]
    if "slots" in cleaned and not 1 <= int(cleaned["slots"] or 0) <= 96:
        errors["slots"] = [_("Between 1 and 96 time slots.")]
    if "slot_minutes" in cleaned and not 5 <= int(cleaned["slot_minutes"] or 0) <= 240:
        errors["slot_minutes"] = [_("Between 5 and 240 minutes per slot.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def event_create(*, actor: Actor, **data: Any) -> MatchmakingEvent:
    if not can_organise(actor):
        raise PermissionDenied(_("Brokers and bureau staff organise matchmaking meetings."))
    cleaned = _clean_event({k: v for k, v in data.items() if k in EVENT_FIELDS})
    organiser = actor_or_none(actor)
    assert organiser is not None  # can_organise() admits signed-in users only
    event = MatchmakingEvent.objects.create(organiser=organiser, **cleaned)
    audit_record(AuditEventType.CREATE, actor=actor, obj=event)
    return event


@transaction.atomic
def event_update(
    *, actor: Actor, event: MatchmakingEvent, expected_version: int | None = None, **data: Any
) -> MatchmakingEvent:
    _require_organiser(actor, event)
    cleaned = _clean_event({k: v for k, v in data.items() if k in EVENT_FIELDS})
    grid = (cleaned.get("tables", event.tables), cleaned.get("slots", event.slots))
    if grid != (event.tables, event.slots) and event.meetings.exists():
        raise TransitionError(_("Clear the schedule before changing tables or slots."))
    before = {name: getattr(event, name) for name in cleaned}
    changed = list(changed_fields(before, cleaned))
    for name in changed:
        setattr(event, name, cleaned[name])
    if changed:
        event.save_versioned(expected_version=expected_version, update_fields=changed)
        audit_record(AuditEventType.UPDATE, actor=actor, obj=event, detail={"fields": changed})
    return event


@transaction.atomic
def event_set_status(*, actor: Actor, event: MatchmakingEvent, status: str) -> MatchmakingEvent:
    """Publish (draft → published) or close (published → closed) an event."""
    _require_organiser(actor, event)
    allowed: dict[str, str] = {
        EventStatus.PUBLISHED: EventStatus.DRAFT,
        EventStatus.CLOSED: EventStatus.PUBLISHED,
    }
    if status not in allowed:
        raise ValidationError({"status": _("Unknown status.")})
    old = event.status
    if old != allowed[status]:
        raise TransitionError(
            _("The event cannot move from %(a)s to %(b)s.")
            % {"a": EventStatus(old).label, "b": EventStatus(status).label}
        )
    event.status = status
    event.save_versioned(expected_version=None, update_fields=["status"])
    audit_record(
        AuditEventType.TRANSITION, actor=actor, obj=event, detail={"from": old, "to": status}
    )
    return event


@transaction.atomic
def event_invite(
    *, actor: Actor, event: MatchmakingEvent, record_kind: str, record_id: int
) -> EventInvitation:
    """Invite a published demand or resource (idempotent)."""
    _require_organiser(actor, event)
    if record_kind not in KINDS:
        raise ValidationError({"record_kind": _("Unknown kind.")})
    try:
        record = catalogue.public_queryset(record_kind).get(pk=record_id)
    except ObjectDoesNotExist:
        raise ValidationError({"record_id": _("Only published records are invited.")}) from None
    invitation, created = EventInvitation.objects.get_or_create(
        event=event,
        record_kind=record_kind,
        record_id=record.pk,
        defaults={"title": str(record)[:300], "owner_id": record.owner_id},
    )
    if created:
        audit_record(AuditEventType.CREATE, actor=actor, obj=invitation)
    return invitation


def _may_register_for(actor: Actor, event: MatchmakingEvent, organisation: Organisation) -> bool:
    return can_organise(actor, event) or is_member_of(actor, organisation.pk)


def _clean_slots(event: MatchmakingEvent, slots: Any) -> list[int]:
    try:
        values = sorted({int(s) for s in (slots or [])})
    except (TypeError, ValueError):
        raise ValidationError({"available_slots": _("Slots are numbers.")}) from None
    if any(not 0 <= s < event.slots for s in values):
        raise ValidationError({"available_slots": _("A slot outside the event's schedule.")})
    return values


@transaction.atomic
def participant_register(
    *,
    actor: Actor,
    event: MatchmakingEvent,
    organisation: Organisation | None = None,
    person: Any = None,
    person_name: str = "",
    available_slots: list[int] | None = None,
) -> Participant:
    """A member registers their organisation (the organiser may register anyone) for a
    published event; ``available_slots`` empty = every slot."""
    organisation = organisation or getattr(actor, "organisation", None)
    if organisation is None or not _may_register_for(actor, event, organisation):
        raise PermissionDenied(_("Register your own organisation."))
    if event.status != EventStatus.PUBLISHED and not can_organise(actor, event):
        raise TransitionError(_("Registration is open for published events only."))
    if person is None and is_member_of(actor, organisation.pk):
        person = actor
    participant = Participant(
        event=event,
        organisation=organisation,
        person=person,
        person_name=(person_name or (str(person) if person else ""))[:60],
        available_slots=_clean_slots(event, available_slots),
    )
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as exc:
        raise ValidationError(_("This organisation is already registered.")) from exc
    audit_record(AuditEventType.CREATE, actor=actor, obj=participant)
    return participant


@transaction.atomic
def participant_set_availability(
    *, actor: Actor, participant: Participant, available_slots: list[int]
) -> Participant:
    event = participant.event
    if not _may_register_for(actor, event, participant.organisation):
        raise PermissionDenied
    participant.available_slots = _clean_slots(event, available_slots)
    participant.save(update_fields=["available_slots", "updated_at"])
    audit_record(
        AuditEventType.UPDATE, actor=actor, obj=participant, detail={"fields": ["available_slots"]}
    )
    return participant


@transaction.atomic
def meeting_request_create(
    *, actor: Actor, requester: Participant, target: Participant, note: str = ""
) -> MeetingRequest:
    """A participant asks another for a bilateral talk (the organiser may do it for
    them)."""
    event = requester.event
    if target.event_id != event.pk:
        raise ValidationError({"target": _("Both must be registered for the same event.")})
    if requester.pk == target.pk:
        raise ValidationError({"target": _("Choose another participant.")})
    if not _may_register_for(actor, event, requester.organisation):
        raise PermissionDenied(_("Ask on behalf of your own organisation."))
    if (
        MeetingRequest.objects.filter(event=event, requester=target, target=requester)
        .exclude(status=RequestStatus.DECLINED)
        .exists()
    ):
        raise ValidationError(_("They have already asked you; answer their request."))
    request = MeetingRequest(event=event, requester=requester, target=target, note=note.strip())
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise ValidationError(_("You have already asked for this meeting.")) from exc
    audit_record(AuditEventType.CREATE, actor=actor, obj=request)
    tell(
        members_of(target.organisation_id),
        kind=NotificationKind.MEETING,
        title=phrase("Meeting request at “%(e)s”", {"e": event.title[:80]}),
        body=phrase("%(o)s asks for a meeting.", {"o": requester.organisation.name}),
        link=reverse("brokerage:event", kwargs={"pk": event.pk}),
        actor=actor,
    )
    return request


@transaction.atomic
def meeting_request_decide(
    *, actor: Actor, request: MeetingRequest, accept: bool
) -> MeetingRequest:
    """The target (or the organiser) accepts or declines a request."""
    event = request.event
    if not _may_register_for(actor, event, request.target.organisation):
        raise PermissionDenied(_("Only the participant asked answers."))
    to = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    now = timezone.now()
    if (
        MeetingRequest.objects.filter(pk=request.pk, status=RequestStatus.REQUESTED).update(
            status=to, decided_at=now, updated_at=now
        )
        != 1
    ):
        raise TransitionError(_("This request has already been answered."))
    request.refresh_from_db()
    audit_record(
        AuditEventType.TRANSITION, actor=actor, obj=request, detail={"from": "requested", "to": to}
    )
    return request


def problem_of(event: MatchmakingEvent) -> scheduler.Problem:
    """The scheduler's input: accepted requests, grid, each participant's slots."""
    requests = [
        scheduler.Request(id=r.pk, a=r.requester_id, b=r.target_id)
        for r in MeetingRequest.objects.filter(event=event, status=RequestStatus.ACCEPTED).order_by(
            "created_at", "id"
        )
    ]
    availability: dict[Any, list[int]] = {
        p.pk: list(p.available_slots)
        for p in Participant.objects.filter(event=event)
        if p.available_slots
    }
    return scheduler.Problem(
        requests=requests, tables=event.tables, slots=event.slots, availability=availability
    )


@transaction.atomic
def event_schedule(
    *, actor: Actor, event: MatchmakingEvent, time_budget: float = 1.5
) -> scheduler.Schedule:
    """(Re)build the schedule: meetings without a recorded outcome are replaced by the
    scheduler's placement; meetings with an outcome stay where they were. Participants'
    members are notified."""
    _require_organiser(actor, event)
    MatchmakingEvent.objects.select_for_update().filter(pk=event.pk).first()
    Meeting.objects.filter(event=event, outcome=MeetingOutcome.PENDING).delete()
    kept = list(Meeting.objects.filter(event=event))
    problem = problem_of(event)
    # Kept meetings stay fixed: remove their seats and tables from the problem.
    kept_ids = {m.request_id for m in kept}
    busy = {(s.participant_id, s.slot) for s in MeetingSeat.objects.filter(meeting__event=event)}
    used = {(m.table, m.slot) for m in kept}
    free_tables = {
        s: [t for t in range(event.tables) if (t, s) not in used] for s in range(event.slots)
    }
    problem.requests = [r for r in problem.requests if r.id not in kept_ids]
    problem.slot_tables = {s: len(tables) for s, tables in free_tables.items()}
    participants = {r.a for r in problem.requests} | {r.b for r in problem.requests}
    problem.availability = {
        p: [s for s in problem.slots_of(p) if (p, s) not in busy] for p in participants
    }
    result = scheduler.schedule(problem, time_budget=time_budget)
    errors = scheduler.check(problem, result)
    if errors:  # never write an invalid schedule
        raise TransitionError("; ".join(errors[:3]))
    by_id = {r.id: r for r in problem.requests}
    meetings: list[Meeting] = []
    placed: list[tuple[Meeting, Any]] = []
    for rid, (index, slot) in sorted(result.placed.items(), key=lambda kv: kv[1][::-1]):
        # The scheduler numbers the free tables of a slot 0..n-1; map to real tables.
        meeting = Meeting(
            event=event, request_id=cast(int, rid), table=free_tables[slot][index], slot=slot
        )
        meetings.append(meeting)
        placed.append((meeting, by_id[rid]))
    Meeting.objects.bulk_create(meetings)
    seats = []
    for meeting, req in placed:
        seats.append(MeetingSeat(meeting=meeting, participant_id=req.a, slot=meeting.slot))
        seats.append(MeetingSeat(meeting=meeting, participant_id=req.b, slot=meeting.slot))
    MeetingSeat.objects.bulk_create(seats)
    now = timezone.now()
    MatchmakingEvent.objects.filter(pk=event.pk).update(scheduled_at=now)
    event.scheduled_at = now
    audit_record_many(AuditEventType.CREATE, actor=actor, objects=meetings)
    audit_record(
        AuditEventType.UPDATE,
        actor=actor,
        obj=event,
        detail={
            "fields": ["schedule"],
            "placed": len(meetings),
            "kept": len(kept),
            "unplaced": len(problem.requests) - len(meetings),
        },
    )
    org_ids = set(Participant.objects.filter(event=event).values_list("organisation_id", flat=True))
    tell(
        members_of(*org_ids),
        kind=NotificationKind.MEETING,
        title=phrase("Schedule of “%(e)s” is ready", {"e": event.title[:80]}),
        link=reverse("brokerage:event", kwargs={"pk": event.pk}),
        actor=actor,
    )
    return result


@transaction.atomic
def meeting_record_outcome(
    *,
    actor: Actor,
    meeting: Meeting,
    outcome: str,
    note: str = "",
    open_deal: bool = False,
    broker: Any = None,
) -> Meeting:
    """Record how a meeting went. With ``open_deal`` (intent or deal outcomes) a deal is
    opened for the two parties, linked to the meeting, so it is followed to a contract;
    its broker is ``broker``, else the actor or the organiser when they are brokers."""
    event = meeting.event
    _require_organiser(actor, event)
    if outcome not in MeetingOutcome.values or outcome == MeetingOutcome.PENDING:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    old = meeting.outcome
    meeting.outcome = outcome
    meeting.outcome_note = (note or "").strip()[:2000]
    meeting.save(update_fields=["outcome", "outcome_note", "updated_at"])
    audit_record(
        AuditEventType.TRANSITION, actor=actor, obj=meeting, detail={"from": old, "to": outcome}
    )
    if open_deal and outcome in (MeetingOutcome.INTENT, MeetingOutcome.DEAL):
        if Deal.objects.filter(meeting=meeting).exists():
            return meeting
        req = meeting.request
        orgs = [req.requester.organisation, req.target.organisation]
        enterprise = next((o for o in orgs if o.kind == OrganisationKind.ENTERPRISE), orgs[0])
        supplier = next(o for o in orgs if o.pk != enterprise.pk)
        deal_create(
            actor=actor,
            enterprise=enterprise,
            supplier=supplier,
            meeting=meeting,
            broker=broker or next((u for u in (actor, event.organiser) if is_broker(u)), None),
            title=_("%(a)s × %(b)s (%(e)s)")
            % {"a": enterprise.name[:80], "b": supplier.name[:80], "e": event.title[:80]},
        )
    return meeting
