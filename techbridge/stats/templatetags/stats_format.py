"""`{% load stats_format %}`: `{{ amount|amount_short }}` → 21.85亿元,
`{{ amount|amount_exact }}` → 2,184,938,617.88 元, `{{ n|contracts }}` → 1,234项,
`{{ share|percent }}` → 14.93% (see stats.formatting)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from techbridge.stats import formatting

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


@register.filter
def amount_short(value: Any) -> str:
    amount = _decimal(value)
    return "—" if amount is None else formatting.amount_short(amount)


@register.filter
def amount_exact(value: Any) -> str:
    amount = _decimal(value)
    return "—" if amount is None else formatting.amount_exact(amount)


@register.filter
def contracts(value: Any) -> str:
    return formatting.count_text(int(value or 0))


@register.filter
def percent(value: Any) -> str:
    return formatting.percent(_decimal(value))
