"""Matchmaking meetings (供需对接会): the event, invited records, registered participants,
bilateral meeting requests, the schedule (tables × slots) and each meeting's outcome."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from techbridge.codes.choices import TechField
from techbridge.core.models import TimeStampedModel, VersionedModel


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class MatchmakingEvent(VersionedModel):
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    themes = models.JSONField(_("themes (technical fields)"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_events",
    )
    tables = models.PositiveSmallIntegerField(_("tables"), default=10)
    slots = models.PositiveSmallIntegerField(_("time slots"), default=12)
    first_slot_at = models.TimeField(_("first slot starts"), default=dt.time(9, 0))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per slot"), default=20)
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("matchmaking meeting")
        verbose_name_plural = _("matchmaking meetings")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tables__gte=1, tables__lte=200) & Q(slots__gte=1, slots__lte=96),
                name="brk_event_grid_range",
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="brk_event_slot_minutes",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EventStatus]),
                name="brk_event_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def theme_labels(self) -> list[str]:
        return [str(TechField(t).label) for t in self.themes or [] if t in TechField.values]

    def slot_start(self, slot: int) -> dt.time:
        start = dt.datetime.combine(self.held_on, self.first_slot_at)
        return (start + dt.timedelta(minutes=self.slot_minutes * slot)).time()

    def slot_label(self, slot: int) -> str:
        end = self.slot_start(slot + 1)
        return f"{self.slot_start(slot):%H:%M}–{end:%H:%M}"


class EventInvitation(TimeStampedModel):
    """A demand or resource invited to the event (the engine suggests them)."""

    event = models.ForeignKey(
        MatchmakingEvent, on_delete=models.CASCADE, related_name="invitations"
    )
    record_kind = models.CharField(_("kind"), max_length=16)
    record_id = models.BigIntegerField(_("record id"))
    title = models.CharField(_("title"), max_length=300)
    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["record_kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "record_kind", "record_id"], name="brk_invitation_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Participant(TimeStampedModel):
    """An organisation registered for the event, with the person who attends and the
    slots they can attend (``available_slots`` empty = all)."""

    event = models.ForeignKey(
        MatchmakingEvent, on_delete=models.CASCADE, related_name="participants"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    person_name = models.CharField(_("attendee"), max_length=60, blank=True)
    available_slots = models.JSONField(_("available slots"), default=list, blank=True)

    class Meta:
        ordering = ["organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "organisation"], name="brk_participant_unique")
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class MeetingRequest(TimeStampedModel):
    event = models.ForeignKey(
        MatchmakingEvent, on_delete=models.CASCADE, related_name="meeting_requests"
    )
    requester = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(_("topic"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "requester", "target"], name="brk_request_unique"
            ),
            models.CheckConstraint(
                condition=~Q(requester=F("target")), name="brk_request_two_parties"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.target}"


class MeetingOutcome(models.TextChoices):
    PENDING = "pending", _("Not recorded")
    NO_INTEREST = "no_interest", _("No interest")
    FOLLOW_UP = "follow_up", _("Follow-up")
    INTENT = "intent", _("Letter of intent")
    DEAL = "deal", _("Deal")


class Meeting(TimeStampedModel):
    """A scheduled bilateral talk: one table in one slot. The seats below make the
    database refuse a participant in two meetings of one slot."""

    event = models.ForeignKey(MatchmakingEvent, on_delete=models.CASCADE, related_name="meetings")
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    table = models.PositiveSmallIntegerField(_("table"))
    slot = models.PositiveSmallIntegerField(_("slot"))
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=MeetingOutcome.choices, default=MeetingOutcome.PENDING
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)

    class Meta:
        ordering = ["slot", "table"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "table", "slot"], name="brk_meeting_table_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} T{self.table + 1} S{self.slot + 1}"


class MeetingSeat(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="seats")
    slot = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "slot"], name="brk_seat_participant_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}@{self.slot}"
