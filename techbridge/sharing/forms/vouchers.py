"""Voucher forms: a programme (bureau), an application (enterprise), the bureau's decision,
a new claim (provider: invoice + unclaimed voucher payments) and a payment record.

Forms only read and show; the services decide. The programme form speaks percent and
region codes to people and hands the service basis points and GB/T 2260 prefixes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from techbridge.codes.widgets import RegionPicker
from techbridge.core.forms import AmountFormField
from techbridge.core.money import format_yuan
from techbridge.sharing.models import Redemption, ResourceKind, VoucherProgramme

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Programme name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    budget = AmountFormField(label=_("Budget (yuan)"))
    cap_per_enterprise_year = AmountFormField(label=_("Cap per enterprise and year (yuan)"))
    max_share_percent = forms.DecimalField(
        label=_("Largest share of an order a voucher pays (%)"),
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
        initial=Decimal(50),
    )
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Eligible resource kinds"),
        choices=ResourceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    eligible_regions = forms.CharField(
        label=_("Eligible enterprise regions (GB/T 2260)"),
        required=False,
        max_length=400,
        help_text=_(
            "Regions separated by commas, by name or code, e.g. 贵州, 海淀区. Empty: everywhere."
        ),
        widget=RegionPicker(multiple=True),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=_DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=_DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(programme: VoucherProgramme) -> dict[str, Any]:
        return {
            "name": programme.name,
            "description": programme.description,
            "budget": programme.budget,
            "cap_per_enterprise_year": programme.cap_per_enterprise_year,
            "max_share_percent": Decimal(programme.max_share_bp) / 100,
            "eligible_kinds": list(programme.eligible_kinds or []),
            "eligible_regions": ", ".join(p.ljust(6, "0") for p in programme.eligible_regions),
            "valid_from": programme.valid_from,
            "valid_until": programme.valid_until,
            "version": programme.version,
        }

    def clean_eligible_regions(self) -> str:
        """Names as people write them ("贵州", "海淀区") or codes, as the codes the service
        keeps; a name that matches none or several regions is refused, named."""
        from techbridge.codes.selectors import resolve_region

        parts = [
            p.strip() for p in re.split(r"[,，、;；\s]+", self.cleaned_data["eligible_regions"])
        ]
        # Digits go to the service as they are (it reads prefixes and checks codes).
        return ", ".join(p if p.isdigit() else resolve_region(p) for p in parts if p)

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        percent = data.pop("max_share_percent")
        data["max_share_bp"] = int(percent * 100)  # two decimals of a percent: exact
        data["eligible_regions"] = data.get("eligible_regions") or ""
        return data


class ApplicationForm(forms.Form):
    amount_requested = AmountFormField(label=_("Amount requested (yuan)"))
    purpose = forms.CharField(
        label=_("What the voucher will pay for"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(forms.Form):
    amount = AmountFormField(
        label=_("Amount approved (yuan)"),
        required=False,
        help_text=_("Empty: the amount requested."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PayForm(forms.Form):
    reference = forms.CharField(
        label=_("Payment reference"),
        required=False,
        max_length=60,
        help_text=_("e.g. the treasury transfer number."),
    )


class _RedemptionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        order = obj.order
        part = _("voucher part %(v)s yuan") % {"v": format_yuan(obj.amount)}
        return (
            f"{order.number} · {order.service_date:%Y-%m-%d} · {order.customer} · "
            f"{order.resource} · {part}"
        )


class ClaimForm(forms.Form):
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=40)
    redemptions = _RedemptionChoice(
        label=_("Voucher payments to claim"),
        queryset=Redemption.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, claimable: QuerySet[Redemption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["redemptions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = claimable
