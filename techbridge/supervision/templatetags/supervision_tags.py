"""Template filters of the supervision pages: time left, rates, masked contacts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

from techbridge.core.masking import mask_field

register = template.Library()


def _span(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": mins}
    return _("%(m)d min") % {"m": mins}


@register.filter
def timeleft(delta: timedelta | None) -> str:
    """“3 h 20 min left” / “overdue by 2 d 3 h” / “paused”."""
    if delta is None:
        return _("clock paused")
    if delta < timedelta(0):
        return _("overdue by %(span)s") % {"span": _span(delta)}
    return _("%(span)s left") % {"span": _span(delta)}


@register.filter
def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def hours(value: Decimal | None) -> str:
    return "—" if value is None else _("%(h)s h") % {"h": value}


@register.simple_tag
def contact(report: Any, field: str, reveal: bool) -> str:
    """A reporter's contact field, masked unless ``reveal`` (PIPL)."""
    value = getattr(report, field, "") or ""
    return value if reveal else mask_field(field, value)


@register.filter
def status_label(code: str) -> str:
    """A status code as its label (history rows show labels, never codes)."""
    from techbridge.supervision.models import ProblemStatus

    try:
        return str(ProblemStatus(code).label)
    except ValueError:
        return code
