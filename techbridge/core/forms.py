"""Form pieces shared by every app, and the one way a view shows a service's refusal.

Status codes, the same in every app: a form post the form or the service refuses
(ValidationError) re-renders with 400; a stale edit (ConflictError) or a step not allowed
from the record's state (TransitionError) re-renders with 409; PermissionDenied is left to
Django (403). Action posts without a form show the refusal as a message (report_error).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.core.money import parse_amount

T = TypeVar("T")

INVALID_STATUS = 400
CONFLICT_STATUS = 409


class AmountFormField(forms.CharField):
    """A yuan amount typed as text and parsed strictly (see core.money.parse_amount)."""

    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        # No max_length: Django's length validator would run on the parsed Decimal;
        # parse_amount bounds the text itself.
        kwargs.pop("max_length", None)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "decimal", "maxlength": "40", "data-amount-preview": ""}
            ),
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


def form_values(form: forms.BaseForm, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The cleaned values to pass to a service: all but the hidden ``version`` (passed
    as ``expected_version``) and ``exclude``."""
    return {k: v for k, v in form.cleaned_data.items() if k != "version" and k not in exclude}


@dataclass(frozen=True)
class Submission(Generic[T]):
    """What became of a form post: ``saved`` with the service's ``value``, or not, with
    the ``status`` to re-render the form with (200 for a GET)."""

    status: int = 200
    saved: bool = False
    value: T | None = None


def submit_form(
    request: HttpRequest, form: forms.BaseForm, service: Callable[[], T]
) -> Submission[T]:
    """On POST, validate ``form`` and call ``service()`` (which reads form.cleaned_data);
    put its refusal on the form. A GET is answered ``Submission(status=200)``."""
    if request.method != "POST":
        return Submission()
    if not form.is_valid():
        return Submission(status=INVALID_STATUS)
    try:
        value = service()
    except (ConflictError, TransitionError) as exc:
        form.add_error(None, exc.message)
        return Submission(status=CONFLICT_STATUS)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return Submission(status=INVALID_STATUS)
    return Submission(saved=True, value=value)


# The refusals a service raises for the user to read (report_error handles each).
SERVICE_ERRORS = (ConflictError, TransitionError, ValidationError, PermissionDenied)


def report_error(request: HttpRequest, exc: Exception) -> int:
    """Show a service's refusal of an action (a post without a form to re-render) as a
    message; return the HTTP status it stands for."""
    if isinstance(exc, ConflictError | TransitionError):
        messages.error(request, exc.message)
        return CONFLICT_STATUS
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
        return INVALID_STATUS
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "forbidden")
        return 403
    raise exc
