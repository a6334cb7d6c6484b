"""Brokerage forms. Validation of business rules stays in the services; forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techbridge.brokerage.models import (
    OPEN_STAGES,
    Deal,
    DealStage,
    DeclineReason,
    MatchmakingEvent,
    MeetingOutcome,
)
from techbridge.codes.choices import ContractType, IPType, TechField
from techbridge.core.forms import AmountFormField, VersionedForm


class DealForm(VersionedForm):
    expected_value = AmountFormField(
        label=_("expected value (yuan)"), required=False, allow_zero=True
    )

    class Meta:
        model = Deal
        fields = ["title", "technical_field", "expected_value"]

    def _post_clean(self) -> None:
        # Leave the instance untouched: the service compares old and new values and
        # checks the version; validation lives there.
        pass


class RecommendForm(forms.Form):
    resource_kind = forms.CharField(widget=forms.HiddenInput)
    resource_id = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.FloatField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("note to the enterprise"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    # No reason is preselected: a reason the enterprise did not choose would mislead the
    # broker and the resource owner, who both read it.
    reason = forms.ChoiceField(
        label=_("reason"),
        choices=[("", _("Choose a reason")), *DeclineReason.choices],
        error_messages={"required": _("Choose a reason for declining.")},
    )
    text = forms.CharField(
        label=_("note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(
        label=_("stage"),
        choices=[("", _("Choose a stage")), *[(s, DealStage(s).label) for s in OPEN_STAGES]],
    )
    note = forms.CharField(label=_("note"), required=False, max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("task"), max_length=200, widget=forms.TextInput(attrs={"placeholder": _("task")})
    )
    due = forms.DateField(
        label=_("due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("file"))


class ContractPrefillForm(forms.Form):
    contract_type = forms.ChoiceField(label=_("contract type"), choices=ContractType.choices)
    ip_type = forms.ChoiceField(
        label=_("IP type"), choices=[("", "—"), *IPType.choices], required=False
    )
    contract_amount = AmountFormField(label=_("contract amount (yuan)"))
    technology_amount = AmountFormField(label=_("technology transaction amount (yuan)"))
    signed_on = forms.DateField(
        label=_("signing date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class EventForm(VersionedForm):
    themes = forms.MultipleChoiceField(
        label=_("themes (technical fields)"),
        choices=TechField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MatchmakingEvent
        fields = [
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
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "first_slot_at": forms.TimeInput(attrs={"type": "time"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self) -> None:
        # Leave the instance untouched: the service compares old and new values and
        # checks the version; validation lives there.
        pass


class RegisterForm(forms.Form):
    person_name = forms.CharField(label=_("attendee"), max_length=60, required=False)
    available_slots = forms.MultipleChoiceField(
        label=_("available slots (none ticked = all)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, event: MatchmakingEvent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        slots = self.fields["available_slots"]
        assert isinstance(slots, forms.MultipleChoiceField)
        slots.choices = [(str(s), event.slot_label(s)) for s in range(event.slots)]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=[c for c in MeetingOutcome.choices if c[0] != "pending"]
    )
    note = forms.CharField(label=_("note"), required=False, max_length=2000)
    open_deal = forms.BooleanField(label=_("open a deal"), required=False)


class VisitForm(forms.Form):
    # A choice, not a preselected first company: a visit logged against the wrong
    # enterprise goes unnoticed (issue 14).
    enterprise = forms.TypedChoiceField(
        label=_("enterprise"),
        coerce=int,
        error_messages={"required": _("Choose the enterprise you visited.")},
    )
    visited_on = forms.DateField(
        label=_("visit date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    squad = forms.IntegerField(label=_("tech squad"), required=False, widget=forms.Select)
    participants = forms.CharField(label=_("participants"), required=False, max_length=1000)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, enterprises: Any = (), squads: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enterprise = self.fields["enterprise"]
        assert isinstance(enterprise, forms.TypedChoiceField)
        enterprise.choices = [
            ("", _("Choose an enterprise")),
            *[(o.pk, o.name) for o in enterprises],
        ]
        self.fields["squad"].widget.choices = [("", "—"), *[(s.pk, s.name) for s in squads]]


class VisitDemandForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    summary = forms.CharField(
        label=_("public summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    detail = forms.CharField(
        label=_("detailed description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    technical_field = forms.ChoiceField(
        label=_("technical field"), choices=[("", "—"), *TechField.choices], required=False
    )
