"""Template filters of the chronicle: a date to its precision and a figure as text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import get_language

from techbridge.chronicle.extraction import COUNT, Figure, figure_text

register = template.Library()


@register.filter
def dated(day: dt.date | None, precision: str = "day") -> str:
    """2013年9月7日 / 2013年9月 / 2013年 (7 Sep 2013 / Sep 2013 / 2013 in English)."""
    if day is None:
        return ""
    chinese = (get_language() or "zh").startswith("zh")
    if precision == "year":
        return f"{day.year}年" if chinese else str(day.year)
    if precision == "month":
        return f"{day.year}年{day.month}月" if chinese else day.strftime("%b %Y")
    return f"{day.year}年{day.month}月{day.day}日" if chinese else day.strftime("%-d %b %Y")


@register.filter
def figure(item: Any) -> str:
    """A stored figure (row or dict) as "签约项目 59 个" / "总投资 660亿元"."""
    if isinstance(item, dict):
        return figure_text(Figure(**item))
    return figure_text(Figure(item.label, item.quantity or COUNT, item.value, item.unit))
