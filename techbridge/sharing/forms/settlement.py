"""Forms for settlement: the month to settle and a settlement adjustment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SettleMonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text=_("A month that has ended; its confirmed orders and those confirmed late."),
    )


class AdjustmentForm(forms.Form):
    order = forms.CharField(label=_("Order number"), max_length=20)
    amount = forms.CharField(
        label=_("Change of income (yuan)"),
        max_length=20,
        help_text=_("Negative for a refund, e.g. -120.50; 0 if only the voucher part changes."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    voucher_amount = forms.CharField(
        label=_("Change of the voucher part (yuan)"),
        max_length=20,
        initial="0",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
