"""Cleaning the free text people type: trimmed, bounded, no control characters (so a
pasted line break is kept but nothing can forge a log line or break an export)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^[0-9+()\- ]{5,30}$")


def clean_text(value: object, *, field: str, label: str, limit: int, required: bool) -> str:
    text = _CONTROL.sub("", str(value or "")).replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationError({field: _("%(label)s is required.") % {"label": label}})
    if len(text) > limit:
        raise ValidationError(
            {
                field: _("%(label)s is too long: %(n)d characters, at most %(limit)d.")
                % {"label": label, "n": len(text), "limit": limit}
            }
        )
    return text


def clean_line(value: object, *, field: str, label: str, limit: int, required: bool) -> str:
    return " ".join(
        clean_text(value, field=field, label=label, limit=limit, required=required).split()
    )


def clean_phone(value: object, *, field: str = "contact_phone") -> str:
    text = str(value or "").strip()
    if text and not _PHONE.match(text):
        raise ValidationError(
            {
                field: _(
                    "Give a phone number of digits (with + - ( ) and spaces), e.g. 0851-8888 8888."
                )
            }
        )
    return text
