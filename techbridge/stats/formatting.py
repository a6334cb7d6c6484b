"""Amounts and counts as the statistics pages show them: a unit on every amount and
thousands separators ("21.85亿元", "1,234.56万元", "9,999.99 元"; in English "2.18 billion
yuan"), rounded to two decimals of the unit, the exact yuan figure kept for a tooltip.

The bulletin paragraph keeps its own wording rule (bulletin.format_amount_cn)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from techbridge.core.money import format_yuan

CENT = Decimal("0.01")
YI, WAN = Decimal(100_000_000), Decimal(10_000)
BILLION, MILLION = Decimal(1_000_000_000), Decimal(1_000_000)


def _chinese() -> bool:
    return (get_language() or "zh").startswith("zh")  # 万 and 亿 are Chinese units


def amount_exact(amount: Decimal) -> str:
    """'2184938617.88' → '2,184,938,617.88 元' (yuan in English)."""
    return f"{format_yuan(amount)} {_('yuan')}"


def amount_short(amount: Decimal) -> str:
    """An amount with its unit, two decimals of the largest unit it reaches: 亿元 and
    万元 in Chinese, billion and million in English, plain yuan below 万 / a million.
    An amount that rounds up to the largest unit is said in it (99,999,999.99 → 1.00亿元)."""
    units: tuple[tuple[Decimal, str], ...]
    if _chinese():
        units = ((YI, "%(amount)s亿元"), (WAN, "%(amount)s万元"))
    else:
        units = (
            (BILLION, _("%(amount)s billion yuan")),
            (MILLION, _("%(amount)s million yuan")),
        )
    for index, (unit, pattern) in enumerate(units):
        value = (amount / unit).quantize(CENT, ROUND_HALF_UP)
        if abs(amount) >= unit or (index == 0 and abs(value) >= 1):
            return pattern % {"amount": f"{value:,.2f}"}
    return amount_exact(amount)


def count_text(count: int) -> str:
    """'1234' → '1,234项' / '1,234 contracts'."""
    return ngettext("%(n)s contract", "%(n)s contracts", count) % {"n": f"{count:,}"}


def percent(value: Decimal | None) -> str:
    """'14.93' → '14.93%'; None (no earlier figure to compare with) → '—'."""
    return "—" if value is None else f"{value}%"
