"""Exact money: ``Decimal`` yuan in Python, integer fen in the database.

Django stores ``DecimalField`` as REAL on SQLite, which is not exact, so amounts are kept
as a 64-bit integer number of fen (分) on every database (ADR 0002). Sums stay integers
and convert back to ``Decimal`` without rounding.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import Combinable
from django.utils.translation import gettext_lazy as _

FEN = Decimal("0.01")
# 10^13 yuan (ten trillion) is far above any single contract; the bound keeps fen inside
# a signed 64-bit integer with room for sums of millions of rows.
MAX_AMOUNT = Decimal("9999999999999.99")
_AMOUNT_RE = re.compile(r"^(?:0|[1-9][0-9]{0,12})(?:\.[0-9]{1,2})?$")


def parse_amount(value: Any, *, allow_zero: bool = False) -> Decimal:
    """Turn user input (str, int or Decimal) into an exact yuan amount or raise
    ValidationError with a bilingual message. Accepts "1,500,000", "1500000.00", "150万",
    "1.5亿元", "￥1,500,000" and full-width digits; refuses floats, signs, exponents, NaN,
    misplaced separators, mixed units and more than 2 decimals.

    Three steps, so a later rule (e.g. "150万") is one more case in one of them: the value
    becomes text (``_amount_text``), the text is normalised (``_normalise``), and the
    normalised text is checked and converted (``_decimal_from_text``)."""
    return _decimal_from_text(_normalise(_amount_text(value)), allow_zero=allow_zero)


class JSONNumber(Decimal):
    """A JSON number as an exact ``Decimal`` that remembers the text it was written as.

    Pass the class as ``parse_float`` (and ``parse_constant``) to ``json.loads``: no
    float is ever made, and an amount check can see "1e10" or "1.0e0" even where the
    value alone reads as plain digits (``Decimal("1.0e0") == Decimal("1.0")``)."""

    text: str

    def __new__(cls, text: str) -> JSONNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number


def parse_json_amount(value: Any, *, allow_zero: bool = False) -> Decimal:
    """An amount from a JSON document read with ``parse_float=Decimal``: a JSON number
    is judged by how it was written, exactly like the same text in a JSON string — so
    ``1e10`` is refused as "1E+10" is, ``1.234`` for its third decimal, NaN/Infinity as
    not a number, while ``1234567.89`` stays exact. A float means the document was read
    lossily, and is refused."""
    if isinstance(value, Decimal):
        # The text as written; str() at least keeps the exponent of "1e10" ("1E+10"),
        # where format(value, "f") would hide it.
        value = getattr(value, "text", None) or str(value)
    return parse_amount(value, allow_zero=allow_zero)


def _amount_text(value: Any) -> str:
    if isinstance(value, bool | float):
        raise ValidationError(
            _("Amount must be written as a decimal number, not a floating-point value."),
            code="amount_float",
        )
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    raise ValidationError(_("Amount is not a number."), code="amount_type")


# What people write around a number: currency signs before it, the unit after it.
_PREFIXES = ("人民币", "RMB", "CNY", "¥", "￥")
_SUFFIXES = ("元整", "元", "圆")
# 万 and 亿 as a last character multiply ("150万" = 1,500,000; "1.5亿" = 150,000,000).
_MULTIPLIERS = {"万": 4, "亿": 8}
_GROUPED_RE = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?$")
_PLAIN_RE = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


def _normalise(text: str) -> str:
    """Turn the spellings people use into plain digits in yuan: full-width characters
    become ASCII (NFKC), a currency sign or "元" around the number goes, correctly placed
    thousands separators go ("1,500,000"), and a trailing 万 or 亿 multiplies exactly
    ("150万", "1.5亿元"). What stays ambiguous is refused here with a message naming the
    value: misplaced separators ("1,50,000"), several units ("1亿5000万"), a 万 amount
    finer than a fen."""
    written = text.strip()
    value = unicodedata.normalize("NFKC", written).replace(" ", "").replace("\u3000", "")
    for prefix in _PREFIXES:
        if value.upper().startswith(prefix):
            value = value[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if value.endswith(suffix):
            value = value[: -len(suffix)]
            break
    exponent = 0
    if value[-1:] in _MULTIPLIERS:
        exponent = _MULTIPLIERS[value[-1]]
        value = value[:-1]
    if any(unit in value for unit in _MULTIPLIERS):
        raise ValidationError(
            _("Write the amount with one unit, e.g. 1.5亿 or 15000万: %(value)s"),
            code="amount_units",
            params={"value": written[:40]},
        )
    if "," in value:
        if not _GROUPED_RE.match(value):
            raise ValidationError(
                _("Thousands separators must group three digits, as in 1,500,000: %(value)s"),
                code="amount_separator",
                params={"value": written[:40]},
            )
        value = value.replace(",", "")
    if exponent and _PLAIN_RE.match(value):
        scaled = Decimal(value).scaleb(exponent)
        if scaled != scaled.quantize(FEN):
            raise ValidationError(
                _("Amount is finer than one fen: %(value)s"),
                code="amount_invalid",
                params={"value": written[:40]},
            )
        value = format(scaled.quantize(FEN), "f")
    return value


def _decimal_from_text(text: str, *, allow_zero: bool) -> Decimal:
    if not text:
        raise ValidationError(_("Amount is required."), code="amount_required")
    if not text.isascii():
        raise ValidationError(
            _(
                "Amount must be a number in yuan, such as 1500000, 1,500,000.00, 150万 "
                "or 1.5亿: %(value)s"
            ),
            code="amount_invalid",
            params={"value": text[:40]},
        )
    if not _AMOUNT_RE.match(text):
        if text.startswith("-"):
            msg = _("Amount must be greater than zero: %(value)s")
        elif re.match(r"^[0-9]+\.[0-9]{3,}$", text):
            msg = _("Amount may have at most 2 decimal places (fen): %(value)s")
        elif re.match(r"^[0-9]{14,}(\.[0-9]*)?$", text):
            msg = _("Amount is too large: %(value)s")
        else:
            msg = _("Amount is not a valid decimal number in yuan: %(value)s")
        raise ValidationError(msg, code="amount_invalid", params={"value": text[:40]})
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already rules this out
        raise ValidationError(_("Amount is not a number."), code="amount_invalid") from exc
    if amount > MAX_AMOUNT:
        raise ValidationError(
            _("Amount is too large: %(value)s"), code="amount_invalid", params={"value": text}
        )
    if amount == 0 and not allow_zero:
        raise ValidationError(
            _("Amount must be greater than zero: %(value)s"),
            code="amount_invalid",
            params={"value": text},
        )
    return amount.quantize(FEN)


def to_fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def format_yuan(amount: Decimal | None) -> str:
    """'1234567.89' → '1,234,567.89' for display; None → ''."""
    if amount is None:
        return ""
    return f"{amount:,.2f}"


def format_yuan_words(amount: Decimal) -> str:
    """How people read an amount: "150.00万元" from 10,000 yuan up, "8,000.00 元" below,
    "1.50亿元" from 100 million, exact to the fen ("150.0001万元"); in English the plain
    "1,500,000.00 yuan"."""
    from django.utils.translation import get_language
    from django.utils.translation import gettext as _

    chinese = (get_language() or "zh").startswith("zh")  # 万 and 亿 are Chinese units
    if chinese and abs(amount) >= Decimal(100_000_000):
        value, unit = amount / Decimal(100_000_000), "亿元"
    elif chinese and abs(amount) >= Decimal(10_000):
        value, unit = amount / Decimal(10_000), "万元"
    else:
        return f"{format_yuan(amount)} {_('yuan')}"
    exact = value == value.quantize(Decimal("0.01"))
    text = f"{value:,.2f}" if exact else f"{value.normalize():,f}"
    return f"{text}{unit}"


class MoneyField(models.BigIntegerField):
    """A yuan amount: ``Decimal`` in Python, integer fen in the database."""

    description = "Amount in yuan stored as integer fen"

    # django-stubs types a BigIntegerField as int; this one reads as Decimal and accepts
    # Decimal, int (fen from F() arithmetic), text, or an expression.
    _pyi_private_set_type: Decimal | int | str | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: Decimal  # type: ignore[assignment]

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        return from_fen(int(value))

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        return parse_amount(value, allow_zero=True)

    def get_prep_value(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            # Raw integers only arrive from aggregates and F() arithmetic: already fen.
            return value
        if not isinstance(value, Decimal):
            value = parse_amount(value, allow_zero=True)
        quantized = value.quantize(FEN)
        if quantized != value:
            raise ValidationError(_("Amount may have at most 2 decimal places (fen)."))
        return to_fen(quantized)

    def formfield(self, **kwargs: Any) -> Any:
        from django.utils.text import capfirst

        from techbridge.core.forms import AmountFormField

        # As Field.formfield would: the model's (translated) name and help are the label.
        defaults = {
            "required": not self.blank,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
        }
        return AmountFormField(**{**defaults, **kwargs})
