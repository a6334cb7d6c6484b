"""{% load matching %}{% matches_panel record %} — the matches panel on a detail page."""

from __future__ import annotations

from typing import Any

from django import template

from techbridge.matching.panel import panel_context

register = template.Library()


@register.inclusion_tag("matching/_panel.html")
def matches_panel(record: Any, limit: int = 8) -> dict[str, Any]:
    """Resources for a demand, open demands for a resource: only published records, with
    the matched terms and signals that explain each."""
    return panel_context(record, limit=limit)


@register.filter
def signal_label(name: str) -> str:
    """ "same_field" → "同一技术领域" (the signal's name in the active language)."""
    from techbridge.matching.panel import SIGNAL_LABELS

    return str(SIGNAL_LABELS.get(name, name))


@register.filter
def kind_label(kind: str) -> str:
    """ "achievement" → "科技成果" (the record kind's name in the active language)."""
    from techbridge.search.views import kind_labels

    return kind_labels().get(kind, kind)
