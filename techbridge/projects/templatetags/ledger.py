"""`{% load ledger %}` … `{{ amount|yi }}` → "465.66" (亿元, at most 4 decimals) for the
KPI cards; the exact yuan stay in the tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from techbridge.projects.briefing import in_yi

register = template.Library()


@register.filter
def yi(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return in_yi(value if isinstance(value, Decimal) else Decimal(str(value)))
