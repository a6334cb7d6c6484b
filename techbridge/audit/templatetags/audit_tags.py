"""Audit rows in words: the object's kind by its model's name, not "accounts.user"."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.apps import apps
from django.utils.translation import gettext_lazy as _

register = template.Library()


@cache
def _models() -> dict[str, Any]:
    return {m._meta.label_lower: m for m in apps.get_models()}


def object_types() -> list[tuple[str, str]]:
    """(label, translated name) of every model, by name: the audit filter's choices."""
    return sorted(
        ((label, str(m._meta.verbose_name)) for label, m in _models().items()),
        key=lambda pair: pair[1],
    )


#: Audit rows of file exports name the export, not a model.
EXPORTS = {
    "export.sharing_service_records": _("Export of sharing service records"),
    "export.projects": _("Export of signed projects"),
    "export.contract_statistics": _("Export of contract statistics"),
}


@register.filter
def object_type_label(label: str) -> str:
    """ "accounts.user" → "用户" (the model's verbose name in the active language)."""
    label = (label or "").lower()
    if label in EXPORTS:
        return str(EXPORTS[label])
    if label.startswith("export."):
        return str(_("Export"))
    model = _models().get(label)
    return str(model._meta.verbose_name) if model else label
