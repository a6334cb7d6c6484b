"""`{% load listing %}`: page links that keep the query string (``core/_pager.html``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def page_link(context: dict[str, Any], number: int) -> str:
    """``?…`` of the current request with only ``page`` changed (left out for page 1), so
    filters, sort and repeated parameters survive."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return f"?page={int(number)}"
    query.pop("page", None)
    if int(number) > 1:
        query["page"] = str(int(number))
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def page_numbers(page: Page, on_each_side: int = 2) -> list[int | None]:
    """Page numbers to link around the current one, None where some are left out (…)."""
    paginator = page.paginator
    return [
        n if isinstance(n, int) else None
        for n in paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=1)
    ]
