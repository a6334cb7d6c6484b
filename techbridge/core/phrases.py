"""Text kept as its source message and parameters, put into words when it is read.

A notification written while the sender browses in English must read in Chinese for a
recipient who browses in Chinese (issue 14). So a service passes ``phrase("Order %(n)s was
cancelled.", {"n": number})`` instead of a translated string; the row keeps the message id
and the parameters, and ``render`` translates it in the reader's language. Parameters are
kept as text (numbers, names, dates already formatted): they are data, not language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


@dataclass(frozen=True)
class Phrase:
    msgid: str
    params: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self.msgid, self.params)

    def in_site_language(self) -> str:
        """The text in the platform's first language (kept on the row for search, e-mail
        and any reader without a language)."""
        with translation.override(settings.LANGUAGE_CODE):
            return str(self)


def phrase(msgid: str, params: Mapping[str, Any] | None = None) -> Phrase:
    return Phrase(msgid, {k: str(v) for k, v in (params or {}).items()})


def render(msgid: str, params: Mapping[str, Any] | None) -> str:
    """``msgid`` translated into the active language with ``params`` filled in; a
    translation that does not fit the parameters falls back to the source message, and
    that to the bare text (reading a message never fails)."""
    text = gettext(msgid)
    if not params:
        return text
    for candidate in (text, msgid):
        try:
            return candidate % params
        except (KeyError, TypeError, ValueError):
            continue
    return text


def text_of(value: str | Phrase) -> tuple[str, str, dict[str, str]]:
    """(text in the site language, message id, parameters) of a string or a phrase."""
    if isinstance(value, Phrase):
        return value.in_site_language(), value.msgid, dict(value.params)
    return str(value), "", {}
