"""Column specifications: a field name, the headers that mean it (English and Chinese),
and how to parse a cell. Parsers raise ValidationError with a message for the user."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from techbridge.core.money import parse_amount, parse_json_amount

Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parse: Parser | None = None
    default: Any = ""
    help: str = ""

    def headers(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class HeaderMap:
    by_field: dict[str, str]
    unknown: list[str] = field(default_factory=list)


def _norm_header(text: str) -> str:
    return re.sub(r"[\s_\-（）()]+", "", str(text)).lower()


def map_headers(
    headers: Iterable[str], columns: Sequence[Column], ignored: Iterable[str] = ()
) -> HeaderMap:
    """Match the file's headers to columns, ignoring case, spaces, '_' and brackets.
    Headers in ``ignored`` (columns an export adds, such as status) are neither mapped
    nor unknown; any other header no column knows is listed in ``unknown``."""
    lookup: dict[str, str] = {}
    for column in columns:
        for header in column.headers():
            lookup.setdefault(_norm_header(header), column.name)
    skip = {_norm_header(h) for h in ignored}
    by_field: dict[str, str] = {}
    unknown: list[str] = []
    for header in headers:
        name = lookup.get(_norm_header(header))
        if name is None:
            if header and _norm_header(header) not in skip:
                unknown.append(header)
        else:
            by_field.setdefault(name, header)
    return HeaderMap(by_field=by_field, unknown=unknown)


def unknown_column_message(header: str, columns: Sequence[Column]) -> str:
    """Why a column is refused: its name, the closest known name (a typo is the usual
    cause) and every accepted name, so the user can fix the file without the manual."""
    names = [c.name for c in columns]
    by_norm: dict[str, str] = {}
    for column in columns:
        for alias in column.headers():
            by_norm.setdefault(_norm_header(alias), column.name)
    close = difflib.get_close_matches(_norm_header(header), list(by_norm), n=1, cutoff=0.7)
    values = {"h": header, "known": ", ".join(names)}
    if close:
        return _(
            "Unknown column 「%(h)s」 (did you mean %(guess)s?); accepted: %(known)s "
            "(or their Chinese headers, see docs/import-formats.md)."
        ) % {**values, "guess": by_norm[close[0]]}
    return _(
        "Unknown column 「%(h)s」; accepted: %(known)s "
        "(or their Chinese headers, see docs/import-formats.md)."
    ) % values


# --- parsers ------------------------------------------------------------------------------

_SPLIT = re.compile(r"[;；,，、|\n]+")


def text(max_length: int) -> Parser:
    def parse(value: Any) -> str:
        result = str(value).strip()
        if len(result) > max_length:
            raise ValidationError(
                _("Too long: %(n)d characters, at most %(max)d.")
                % {"n": len(result), "max": max_length}
            )
        return result

    return parse


def keywords(value: Any) -> list[str]:
    """A list, or text separated by ；/;/,/、 — duplicates removed, order kept."""
    items = value if isinstance(value, list) else _SPLIT.split(str(value))
    seen: dict[str, None] = {}
    for item in items:
        word = str(item).strip()
        if word:
            seen.setdefault(word, None)
    return list(seen)


def amount(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        # A JSON number (JSONL is read with parse_float=Decimal): judged as written.
        return parse_json_amount(value)
    if isinstance(value, float):
        # Spreadsheets hand over numbers as floats; accept only those that are exact in fen.
        text_value = repr(value)
        if "e" in text_value.lower():
            raise ValidationError(
                _("Amount is not a valid decimal number in yuan: %(v)s") % {"v": text_value}
            )
        value = text_value[:-2] if text_value.endswith(".0") else text_value
    return parse_amount(value)


def integer(low: int, high: int) -> Parser:
    def parse(value: Any) -> int:
        try:
            number = int(str(value).strip().removesuffix(".0"))
        except ValueError as exc:
            raise ValidationError(_("Not a whole number: %(v)s") % {"v": value}) from exc
        if not low <= number <= high:
            raise ValidationError(
                _("Must be between %(low)d and %(high)d, got %(v)d.")
                % {"low": low, "high": high, "v": number}
            )
        return number

    return parse


def iso_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text_value = str(value).strip().replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})年(\d{1,2})月(\d{1,2})日", text_value)
    if not match:
        raise ValidationError(_("Not a date (use YYYY-MM-DD): %(v)s") % {"v": value})
    y, m, d = (int(g) for g in match.groups() if g is not None)
    try:
        return date(y, m, d)
    except ValueError as exc:
        raise ValidationError(_("Not a valid date: %(v)s") % {"v": value}) from exc


def _listing(items: Iterable[str]) -> str:
    return ("、" if (translation.get_language() or "").startswith("zh") else ", ").join(items)


def unknown_choice(label: Any, value: Any, accepted: Iterable[str]) -> ValidationError:
    """The one message for a value that no code or label matches — never "required":
    the column, the value as written and what is accepted, in the user's language."""
    return ValidationError(
        _("Unknown %(label)s 「%(v)s」; accepted: %(known)s")
        % {"label": _(str(label)), "v": str(value).strip(), "known": _listing(accepted)}
    )


def choice(
    options: dict[str, str],
    label: Any,
    accepted: Callable[[], Iterable[str]] | None = None,
) -> Parser:
    """Accept a code or any of its labels (Chinese or English), case-insensitive.
    ``label`` may be lazy (it is rendered when a message is made); ``accepted`` gives the
    labels to list in that message (default: the codes)."""
    lookup = {k.lower(): v for k, v in options.items()}

    def parse(value: Any) -> str:
        key = str(value).strip().lower()
        if key in lookup:
            return lookup[key]
        shown = accepted() if accepted is not None else sorted(set(options.values()))
        raise unknown_choice(label, value, shown)

    return parse


def choice_of(choices: Any, label: Any, *, width: int = 0) -> Parser:
    """A parser for a TextChoices class: its codes or labels; ``width`` pads numeric
    codes with zeros (legal-person types are "021", spreadsheets drop the 0)."""
    lookup = choices_lookup(choices)
    one = choice(lookup, label, lambda: accepted_labels(choices))

    def parse(value: Any) -> str:
        text_value = str(value).strip().removesuffix(".0")
        if width and text_value.isdigit():
            text_value = text_value.zfill(width)
        return one(text_value)

    return parse


def accepted_labels(choices: Any) -> list[str]:
    """Labels in the active language; a label that is not itself a readable code shows
    its code too in non-Chinese messages (``发明专利 (invention_patent)``)."""
    zh = (translation.get_language() or "").startswith("zh")
    shown = []
    for member in choices:
        label, code = str(member.label), str(member.value)
        shown.append(label if zh or label == code else f"{label} ({code})")
    return shown


def choices_lookup(choices: Any) -> dict[str, str]:
    """Map codes, Chinese and English labels of a TextChoices class to the code."""
    from django.utils import translation

    lookup: dict[str, str] = {}
    for member in choices:
        lookup[str(member.value)] = str(member.value)
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                lookup[str(member.label)] = str(member.value)
    return lookup
