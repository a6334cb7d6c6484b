"""Contract forms: the contract itself (drafts, and amendments by a registrar), the
registrar's certification, a reason, and an attachment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from techbridge.codes.choices import ContractType, TechField
from techbridge.contracts.models import TechnologyContract
from techbridge.contracts.services import EDITABLE_FIELDS
from techbridge.core.forms import AmountFormField, VersionedForm
from techbridge.organisations.selectors import organisations_visible_to


class ExactAmountField(AmountFormField):
    """AmountFormField without its MaxLengthValidator, which core.forms applies to the
    parsed Decimal (len() of a Decimal raises TypeError); the 40-character limit stays on
    the widget and parse_amount bounds the value. Remove once core.forms is fixed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]


class ContractForm(VersionedForm):
    contract_amount = ExactAmountField(label=_("contract amount (yuan)"))
    technology_amount = ExactAmountField(label=_("technology transaction amount (yuan)"))
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = TechnologyContract
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}),
            "term_start": forms.DateInput(attrs={"type": "date"}),
            "term_end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, user: Any, amending: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = organisations_visible_to(user)
        for name in ("seller_organisation", "buyer_organisation"):
            self.fields[name].queryset = visible  # type: ignore[attr-defined]
            self.fields[name].required = False
        from techbridge.catalogue.selectors import visible_queryset

        self.fields["demand"].queryset = visible_queryset("demand", user)  # type: ignore[attr-defined]
        for name in ("seller_name", "buyer_name", "seller_country"):
            self.fields[name].required = False
        self.fields["buyer_country"].required = False
        if not amending:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True


class CertifyForm(forms.Form):
    contract_type = forms.ChoiceField(
        label=_("Certified contract type"), choices=ContractType.choices
    )
    technical_field = forms.ChoiceField(
        label=_("Certified technical field"), choices=TechField.choices
    )
    technology_amount = ExactAmountField(label=_("Certified technology transaction amount (yuan)"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment (PDF, PNG, JPG, DOCX, XLSX; at most 10 MB)"))
