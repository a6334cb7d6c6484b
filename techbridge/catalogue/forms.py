"""Forms for catalogue records. Validation of codes, amounts and cross-field rules lives in
services.fields (one place for forms, API and importers); the forms turn text into values
and show the service's messages next to each field."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techbridge.catalogue.kinds import KINDS
from techbridge.catalogue.models import Expert
from techbridge.catalogue.services.fields import EDITABLE, LISTS, split_list
from techbridge.codes.choices import TechField, TransferMode
from techbridge.codes.forms import IndustryField, RegionField
from techbridge.core.forms import VersionedForm
from techbridge.organisations.models import Organisation, OrganisationKind


class ListTextField(forms.CharField):
    """A list of words typed as text separated by ；/;/,/、."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "；".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return split_list(super().to_python(value))


MULTI_CHOICES = {"transfer_modes": TransferMode.choices, "technical_fields": TechField.choices}
TEXTAREAS = {"summary", "detail", "profile", "description", "access_terms"}
CODE_FIELDS = {"region_code": RegionField, "industry_code": IndustryField}


@cache
def record_form_class(kind: str) -> type[VersionedForm]:
    """The create/edit form of ``kind`` (fields: services.fields.EDITABLE)."""
    model = KINDS[kind]
    names = list(EDITABLE[kind])
    overrides: dict[str, Any] = {}
    for name in names:
        label = getattr(model._meta.get_field(name), "verbose_name", name)
        if name in MULTI_CHOICES:
            overrides[name] = forms.MultipleChoiceField(
                label=label,
                choices=MULTI_CHOICES[name],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        elif name in LISTS:
            overrides[name] = ListTextField(
                label=label, required=False, help_text=_("Separate entries with ；or ,")
            )
    if kind == "expert":
        overrides["consent_version"] = forms.CharField(
            label=_("consent text version"),
            max_length=20,
            required=True,
            help_text=_(
                "The version of the consent text the expert agreed to; required to publish "
                "personal data."
            ),
        )

    def _post_clean(self: Any) -> None:
        # Model validation (unique checks, choices) is the service's job: it reports per field.
        pass

    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": names,
            "field_classes": {n: CODE_FIELDS[n] for n in names if n in CODE_FIELDS},
            "widgets": {n: forms.Textarea(attrs={"rows": 5}) for n in names if n in TEXTAREAS}
            | {
                "deadline": forms.DateInput(attrs={"type": "date"}),
                "expires_on": forms.DateInput(attrs={"type": "date"}),
            },
        },
    )
    attrs = {"Meta": meta, "_post_clean": _post_clean, "__module__": __name__, **overrides}
    return type(f"{model.__name__}Form", (VersionedForm,), attrs)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class RenewForm(forms.Form):
    expires_on = forms.DateField(
        label=_("New expiry date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class EnterpriseChoiceForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE).order_by("name"),
    )


class ProposalForm(forms.Form):
    approach = forms.CharField(
        label=_("Technical approach"), widget=forms.Textarea(attrs={"rows": 5})
    )
    plan = forms.CharField(
        label=_("Work plan"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    price = forms.CharField(label=_("Price (yuan)"), required=False, max_length=40)
    duration_days = forms.IntegerField(
        label=_("Duration (days)"), required=False, min_value=1, max_value=3650
    )
    expert: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Expert"), queryset=Expert.objects.none(), required=False
    )

    def __init__(self, *args: Any, experts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts  # type: ignore[attr-defined]


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=())
    file = forms.FileField(label=_("File (CSV, XLSX or JSONL)"))
    org = forms.CharField(
        label=_("Default owner (external id, credit code or exact name)"),
        required=False,
        max_length=200,
    )
    publish = forms.BooleanField(label=_("Publish the rows after import"), required=False)

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, k) for k in kinds]  # type: ignore[attr-defined]
