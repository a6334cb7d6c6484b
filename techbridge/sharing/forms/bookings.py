"""Forms of the booking pages: the slot to book, reasons, opening hours, closures and the
free-resource search. Times are wall-clock times of the site's time zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techbridge.codes.choices import TechField
from techbridge.sharing.models import Resource
from techbridge.sharing.selectors.bookings import local_midnight

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return str(_("%(h)s h %(m)s min") % {"h": hours, "m": rest})
    if hours:
        return str(_("%(h)s h") % {"h": hours})
    return str(_("%(m)s min") % {"m": rest})


class LocalDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", LOCAL_FORMATS)
        super().__init__(**kwargs)


class BookingForm(forms.Form):
    """The slot picked in the calendar: a start and a length in booking steps."""

    start = LocalDateTimeField(label=_("Start"), widget=forms.HiddenInput)
    minutes = forms.TypedChoiceField(label=_("Length"), coerce=int)
    purpose = forms.CharField(
        label=_("Purpose / service content"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. SEM imaging of 3 alloy samples")}),
    )

    def __init__(self, *args: Any, resource: Resource, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        step = resource.slot_minutes
        lengths = range(step, resource.max_booking_minutes + 1, step)
        minutes = self.fields["minutes"]
        assert isinstance(minutes, forms.TypedChoiceField)
        minutes.choices = [(m, duration_label(m)) for m in lengths]
        # site.js submits the price form when the length changes.
        minutes.widget.attrs["data-autosubmit"] = ""

    def slot(self) -> tuple[dt.datetime, dt.datetime]:
        start = self.cleaned_data["start"]
        if timezone.is_naive(start):
            start = timezone.make_aware(start)
        return start, start + dt.timedelta(minutes=self.cleaned_data["minutes"])


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class OpeningHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int)
    opens = forms.TimeField(label=_("Opens"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes = forms.TimeField(label=_("Closes"), widget=forms.TimeInput(attrs={"type": "time"}))


class ClosureForm(forms.Form):
    starts_at = LocalDateTimeField(label=_("From"))
    ends_at = LocalDateTimeField(label=_("Until"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class FreeSearchForm(forms.Form):
    """找空闲仪器: a technical field, a week (or up to 14 days) and the stretch needed."""

    field = forms.ChoiceField(label=_("Technical field"), choices=TechField.choices)
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=14, initial=7, required=False)
    minutes = forms.IntegerField(
        label=_("Free for at least (minutes)"),
        min_value=15,
        max_value=24 * 60,
        initial=60,
        required=False,
    )

    def window(self) -> tuple[dt.datetime, dt.datetime, int]:
        data = self.cleaned_data
        first = data.get("start") or timezone.localdate()
        start = local_midnight(first)
        end = start + dt.timedelta(days=data.get("days") or 7)
        return start, end, data.get("minutes") or 60
