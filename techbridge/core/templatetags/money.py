"""`{% load money %}` … `{{ amount|yuan }}` → 1,234,567.89 (exact, from the Decimal)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from techbridge.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            return str(value)
    return format_yuan(value)
