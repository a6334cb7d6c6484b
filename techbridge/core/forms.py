"""Form pieces shared by every app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from techbridge.core.money import parse_amount


class AmountFormField(forms.CharField):
    """A yuan amount typed as text and parsed strictly (see core.money.parse_amount)."""

    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        # No max_length: Django's length validator would run on the parsed Decimal;
        # parse_amount bounds the text itself.
        kwargs.pop("max_length", None)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "40"})
        )
        super().__init__(**kwargs)
        self.allow_zero = allow_zero

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        return parse_amount(str(text)[:60], allow_zero=self.allow_zero)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value, "f")
        return value


class VersionedForm(forms.ModelForm):
    """A ModelForm that carries the record's version so a stale save is refused (409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per-field messages next to their
    field, the rest (and fields the form does not show) at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
