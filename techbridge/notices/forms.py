"""Forms for composing notices and managing group robots. The choices a sender is offered
are the targets they may address (selectors); a forged choice is refused by the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techbridge.notices import selectors
from techbridge.notices.fields import TARGET_FIELDS
from techbridge.notices.models import NoticeKind
from techbridge.notices.services import BODY_MAX, TITLE_MAX
from techbridge.notifications.models import Robot, RobotKind
from techbridge.organisations.models import Organisation
from techbridge.projects.models import Project, Zone


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=NoticeKind.choices,
        initial=NoticeKind.NOTICE,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 10})
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("The members of each project's company get it."),
    )
    zones = forms.ModelMultipleChoiceField(
        label=_("Zones"),
        queryset=Zone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every project in the zone, and the officers responsible for them."),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    robots = forms.ModelMultipleChoiceField(
        label=_("Group chats"),
        queryset=Robot.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Posted by the chat's WeCom or DingTalk robot."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["projects"].queryset = selectors.addressable_projects(user).order_by("code")
        fields["zones"].queryset = selectors.addressable_zones(user).order_by("name")
        fields["departments"].queryset = selectors.addressable_departments(user)
        fields["robots"].queryset = selectors.usable_robots(user)
        for name in TARGET_FIELDS:
            if not fields[name].queryset.exists():
                del self.fields[name]

    def targets(self) -> dict[str, list[Any]]:
        return {name: list(self.cleaned_data.get(name) or []) for name in TARGET_FIELDS}


class RobotCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=RobotKind.choices)
    webhook_url = forms.CharField(
        label=_("Webhook address"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Copied from the robot's settings in the group chat."),
    )
    secret = forms.CharField(
        label=_("Signing secret (DingTalk)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Starts with SEC; leave empty for WeCom robots."),
    )
    is_active = forms.BooleanField(label=_("Enabled"), required=False, initial=True)


class RobotEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    is_active = forms.BooleanField(label=_("Enabled"), required=False)
    webhook_url = forms.CharField(
        label=_("New webhook address"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Leave empty to keep the stored address."),
    )
    secret = forms.CharField(
        label=_("New signing secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the stored secret."),
    )
    clear_secret = forms.BooleanField(label=_("Remove the signing secret"), required=False)

    def __init__(self, *args: Any, robot: Robot, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"name": robot.name, "is_active": robot.is_active})
        super().__init__(*args, **kwargs)
        if robot.kind != RobotKind.DINGTALK:
            del self.fields["secret"]
            del self.fields["clear_secret"]
