"""Forms of the supervision pages. They check shape only; the services decide (and their
refusals come back onto the form through core.forms.submit_form)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.projects.models import Project, Zone
from techbridge.supervision.models import Category, ClockUnit, Department, Urgency
from techbridge.supervision.services.reports import MAX_PHOTOS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero or more photos (the service checks type, content and size of each)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/png,image/jpeg"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:  # type: ignore[override]
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(PhotosField, self).clean(f, initial) for f in files if f]


# Formatted when shown (in the reader's language), not at import.
_PHOTO_HELP = lazy(
    lambda: gettext("PNG or JPG, at most %(n)d photos of 10 MB each.") % {"n": MAX_PHOTOS}, str
)()


class ProblemForm(forms.Form):
    """What a reporter fills in (the mobile page shows the same fields but the project)."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 施工用电不稳")}),
    )
    description = forms.CharField(
        label=pgettext_lazy("problem", "Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = PhotosField(label=_("Photos"), help_text=_PHOTO_HELP)


class ReportForm(ProblemForm):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=60,
        required=False,
        help_text=_("When recording on the contact's behalf (default: the project's contact)."),
    )
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)

    field_order = [
        "project",
        "category",
        "urgency",
        "title",
        "description",
        "photos",
        "contact_name",
        "contact_phone",
    ]

    def __init__(self, *args: Any, projects: Any, on_behalf: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = projects
        if not on_behalf:
            del self.fields["contact_name"]
            del self.fields["contact_phone"]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Your reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Satisfaction"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (5, _("5 · very satisfied")),
            (4, _("4 · satisfied")),
            (3, _("3 · neutral")),
            (2, _("2 · dissatisfied")),
            (1, _("1 · very dissatisfied")),
        ],
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtensionForm(forms.Form):
    amount = forms.IntegerField(label=_("Extra time"), min_value=1, max_value=720)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        help_text=_("Required when refusing."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReassignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT).order_by("name"),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"})
    )


class PolicyForm(forms.Form):
    response_amount = forms.IntegerField(label=_("Response limit"), min_value=1, max_value=8760)
    response_unit = forms.ChoiceField(
        label=pgettext_lazy("clock", "Unit"), choices=ClockUnit.choices
    )
    resolution_amount = forms.IntegerField(label=_("Resolution limit"), min_value=1, max_value=8760)
    resolution_unit = forms.ChoiceField(
        label=pgettext_lazy("clock", "Unit"), choices=ClockUnit.choices
    )
    reminder_percent = forms.IntegerField(
        label=_("Reminder at (% of the limit)"), min_value=1, max_value=99
    )
    second_level_amount = forms.IntegerField(
        label=_("Second level after the deadline"), min_value=1, max_value=8760
    )
    second_level_unit = forms.ChoiceField(
        label=pgettext_lazy("clock", "Unit"), choices=ClockUnit.choices
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RoutingForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any category")), *Category.choices], required=False
    )
    zone = forms.ModelChoiceField(
        label=_("Zone"), queryset=Zone.objects.all(), required=False, empty_label=_("Any zone")
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT).order_by("name"),
    )


class DepartmentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT).order_by("name"),
    )
    head = forms.ModelChoiceField(
        label=_("Head of department"), queryset=get_user_model().objects.none(), required=False
    )
    supervised_by = forms.ModelChoiceField(
        label=_("Supervising office"),
        required=False,
        queryset=Department.objects.filter(is_supervising_office=True).select_related(
            "organisation"
        ),
    )
    is_supervising_office = forms.BooleanField(
        label=_("This is a supervising office"), required=False
    )

    def __init__(self, *args: Any, heads: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["head"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = heads


class LinkForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.all())
    contact_name = forms.CharField(label=_("Contact person"), max_length=60)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=3 * 365, initial=365
    )


class ClientForm(forms.Form):
    name = forms.CharField(
        label=_("Client system"), max_length=100, help_text=_("e.g. 12345 政务服务便民热线")
    )
    reads_all = forms.BooleanField(
        label=_("May read every request (a hotline hub)"), required=False
    )


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """[start, end] chosen, default this year up to today."""
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("start") or dt.date(today.year, 1, 1)
        end = data.get("end") or today
        if end < start:
            start, end = end, start
        return start, end
