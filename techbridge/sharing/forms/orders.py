"""Forms for service orders: ordering a service without a booking, the usage record (and
its correction), cancelling, confirming and paying part with a voucher."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.models import User
from techbridge.core.forms import AmountFormField
from techbridge.organisations.models import Organisation, OrganisationStatus
from techbridge.sharing import pricing
from techbridge.sharing.forms.agreements import DATE
from techbridge.sharing.models import OrderKind, ServiceOrder
from techbridge.sharing.services.orders import DIRECT_KINDS

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class QuantityField(forms.CharField):
    """'1.5' → 1500 thousandths of the unit (at most 3 decimals)."""

    def __init__(self, **kwargs: Any) -> None:
        # No max_length: its validator would measure the parsed integer.
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "16"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return pricing.parse_quantity(text)
        except ValueError as exc:
            raise ValidationError(
                _("Not a quantity (a number with at most 3 decimals): %(v)s") % {"v": text[:16]}
            ) from exc


class OrderForm(forms.Form):
    """A service without a booking; the resource side may order for a customer."""

    resource = forms.ModelChoiceField(label=_("Resource"), queryset=ServiceOrder.objects.none())
    kind = forms.ChoiceField(label=_("Service"), choices=[(k.value, k.label) for k in DIRECT_KINDS])
    service_date = forms.DateField(label=_("Service date"), widget=DATE)
    quantity = QuantityField(
        label=_("Quantity ordered"),
        required=False,
        help_text=_("Samples, days or units, as the rate counts them (may stay empty)."),
    )
    content = forms.CharField(label=_("Service content"), max_length=300, required=False)
    customer = forms.ModelChoiceField(
        label=_("Customer organisation (when ordering for a customer)"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    contact = forms.CharField(
        label=_("Customer contact (user name)"), max_length=150, required=False
    )

    def __init__(self, *args: Any, resources: Any, for_customers: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources  # type: ignore[attr-defined]
        if for_customers:
            self.fields["customer"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
                status=OrganisationStatus.VERIFIED
            ).order_by("name")
        else:
            del self.fields["customer"]
            del self.fields["contact"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        customer = data.get("customer")
        contact = (data.get("contact") or "").strip()
        if customer is not None:
            user = User.objects.filter(
                username=contact, organisation=customer, is_active=True
            ).first()
            if user is None:
                self.add_error(
                    "contact", _("Give the user name of an account of the customer organisation.")
                )
            data["contact_user"] = user
        return data


class UsageForm(forms.Form):
    actual_start = forms.DateTimeField(
        label=_("Actual start"), widget=MOMENT, input_formats=MOMENT_FORMATS, required=False
    )
    actual_end = forms.DateTimeField(
        label=_("Actual end"), widget=MOMENT, input_formats=MOMENT_FORMATS, required=False
    )
    samples = forms.IntegerField(label=_("Samples"), min_value=0, max_value=10**6, required=False)
    quantity = QuantityField(
        label=_("Quantity used"),
        required=False,
        help_text=_("Only to override what the times or samples give, e.g. 1.5 (hours)."),
    )
    service_date = forms.DateField(label=_("Service date"), widget=DATE, required=False)
    staff = forms.ModelMultipleChoiceField(
        label=_("Service staff who ran it"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, order: ServiceOrder, staff: Any, amending: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        if order.booking_id is not None:
            del self.fields["service_date"]
        if not amending:
            del self.fields["reason"]
        if order.unit == "sample" or (not order.unit and order.kind == OrderKind.SAMPLE_TESTING):
            self.fields["samples"].required = False

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("reason", None)
        data["quantity_milli"] = data.pop("quantity")
        data["staff"] = list(data["staff"]) or None
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VoucherForm(forms.Form):
    voucher = forms.TypedChoiceField(label=_("Innovation voucher"), coerce=int)
    amount = AmountFormField(
        label=_("Amount (yuan)"),
        required=False,
        help_text=_("Leave empty to pay as much as the voucher may."),
    )

    def __init__(self, *args: Any, vouchers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vouchers = {v.pk: v for v in vouchers}
        self.fields["voucher"].choices = [  # type: ignore[attr-defined]
            (v.pk, f"{v.code} · {v.programme} · {v.face_value - v.used}") for v in vouchers
        ]

    def clean_voucher(self) -> Any:
        return self.vouchers[self.cleaned_data["voucher"]]
