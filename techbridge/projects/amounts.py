"""Money cells of the departments' ledgers: a column's unit, and spreadsheet numbers.

``core.money.parse_amount`` reads the spellings people write ("150万", "1,500,000",
"4.6566亿元", full-width digits) exactly. A ledger adds two things: the header may state
the column's unit (总投资（万元）: a bare 465.66 means 465.66万), and XLSX hands numbers
over as floats, which are accepted only where their shortest text is exact.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from techbridge.core.money import parse_amount

WAN = "万"
YI = "亿"
_HAS_UNIT = re.compile(r"[万亿元]\s*$")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        raise ValidationError(_("Amount is not a number."), code="amount_type")
    if isinstance(value, float):
        # A spreadsheet number: its shortest repr is what the cell shows (465.66, not
        # 465.66000000000003); an exponent means the digits are already lost.
        text = repr(value)
        if "e" in text.lower() or "inf" in text or "nan" in text:
            raise ValidationError(
                _("Amount is not a valid decimal number in yuan: %(value)s") % {"value": text},
                code="amount_invalid",
            )
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def parse_cn_amount(value: Any, *, unit: str = "", allow_zero: bool = True) -> Decimal:
    """Exact yuan from a ledger cell; ``unit`` (WAN or YI) is the column's unit, used
    when the cell names none. Raises ValidationError naming the value."""
    text = _text(value).strip()
    if unit and text and not _HAS_UNIT.search(text):
        text += unit
    return parse_amount(text, allow_zero=allow_zero)
