"""Forms for resources, agreements, rates and qualifications. They parse what people type
(percentages like 60/25/15 or "60%", amounts in yuan, dates); the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.models import User
from techbridge.core.forms import AmountFormField, VersionedForm
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.sharing.models import BilledOn, RateClass, RateUnit, Resource
from techbridge.sharing.pricing import percent
from techbridge.sharing.services.agreements import RESOURCE_FIELDS, parse_percent, parse_ratio

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResourceRegisterForm(forms.Form):
    record = forms.ChoiceField(label=_("Catalogue record"))

    def __init__(self, *args: Any, records: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [  # type: ignore[attr-defined]
            (f"{kind}:{rec.pk}", f"{rec} · {rec._meta.verbose_name}") for kind, rec in records
        ]

    def clean_record(self) -> tuple[str, int]:
        kind, _sep, pk = str(self.cleaned_data["record"]).partition(":")
        return kind, int(pk)


class ResourceSettingsForm(VersionedForm):
    class Meta:
        model = Resource
        fields = list(RESOURCE_FIELDS)


class RatioField(forms.CharField):
    """Owner / staff / agency in percent: "60/25/15", "60%/25%/15%" → basis points."""

    def __init__(self, **kwargs: Any) -> None:
        # No max_length: its validator would measure the parsed tuple; the widget limits it.
        kwargs.setdefault(
            "help_text",
            _("Owner / service staff / agency in percent, adding up to 100, e.g. 60/25/15."),
        )
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": "60/25/15", "maxlength": "40"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> tuple[int, int, int] | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_ratio(text)
        except ValidationError as exc:
            # The service names its fields (owner_share_bp …); here it is this one field.
            raise ValidationError(exc.messages) from exc

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, tuple | list) and len(value) == 3:
            return "/".join(percent(int(v)) for v in value)
        return value


class PercentField(forms.CharField):
    """'50%' or '50' → 5000 basis points (no max_length: the widget limits the text)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"maxlength": "10"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return parse_percent(text, label=str(self.label or ""))

    def prepare_value(self, value: Any) -> Any:
        return f"{percent(value)}%" if isinstance(value, int) else value


def _agencies() -> Any:
    return Organisation.objects.filter(kind=OrganisationKind.AGENCY).order_by("name")


def _staff_candidates(owner_id: int) -> Any:
    """Accounts of the owner and of the service agencies (the service checks the agency)."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(organisation_id=owner_id) | Q(organisation__kind=OrganisationKind.AGENCY))
        .select_related("organisation")
        .order_by("organisation__name", "username")
    )


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {obj.organisation}" if obj.organisation_id else str(obj)


class AgreementForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Operating agency"), queryset=Organisation.objects.none()
    )
    ratio = RatioField(label=_("Split owner / staff / agency"))
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    staff = StaffChoiceField(
        label=_("Service staff"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    requires_approval = forms.BooleanField(
        label=_("Bookings need the owner's approval"), required=False, initial=True
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, owner_id: int, editable: bool = True, creating: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies()  # type: ignore[attr-defined]
        self.fields["staff"].queryset = _staff_candidates(owner_id)  # type: ignore[attr-defined]
        if not creating:
            del self.fields["valid_from"]
        else:
            del self.fields["version"]
        if not editable:
            # In force and used: only staff, approval and note may change.
            for name in ("agency", "ratio", "valid_until"):
                del self.fields[name]

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "version" in data:
            data["expected_version"] = data.pop("version")
        ratio = data.pop("ratio", None)
        if ratio is not None:
            data["owner_share_bp"], data["staff_share_bp"], data["agency_share_bp"] = ratio
        return data


class EndForm(forms.Form):
    last_day = forms.DateField(label=_("Last day"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RateForm(forms.Form):
    rate_class = forms.ChoiceField(label=_("Rate class"), choices=RateClass.choices)
    unit = forms.ChoiceField(label=_("Unit"), choices=RateUnit.choices)
    price = AmountFormField(label=_("Price per unit (yuan)"), allow_zero=True)
    minimum_charge = AmountFormField(
        label=_("Minimum charge (yuan)"), allow_zero=True, required=False
    )
    billed_on = forms.ChoiceField(
        label=_("Billed on"), choices=BilledOn.choices, initial=BilledOn.USED
    )
    late_cancellation = PercentField(
        label=_("Late cancellation / no-show fee (share of the price)"),
        initial="50%",
        help_text=_("In percent of the booked price, e.g. 50%."),
    )
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["late_cancellation_bp"] = data.pop("late_cancellation")
        if data.get("minimum_charge") is None:
            data["minimum_charge"] = "0"
        return data


class QualificationForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)
    note = forms.CharField(label=_("Training / certificate"), required=False, max_length=200)

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise ValidationError(
                _("No active account with the user name “%(u)s”.") % {"u": name[:40]}
            )
        return user


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
