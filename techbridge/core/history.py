"""Histories people can read (issue 14): an event as a sentence in the reader's language —
"张三 于 2026-12-03 14:05 提交审核" — and its data as "字段：旧值 → 新值", never codes or dicts.

Each app says what its events mean (the action of a kind or a transition); this module
puts the sentence together and names fields and values the same way on every page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

#: Keys of event data that hold field changes: {name: [old, new]} or [names].
CHANGE_KEYS = ("fields", "adjusted", "changes")


def who(actor: Any) -> str:
    """The actor as people know them (display name), or "the system"."""
    if actor is None:
        return _("The system")
    return str(getattr(actor, "display_name", "") or actor)


def sentence(actor: Any, at: Any, action: str) -> str:
    """ "张三 于 2026-12-03 14:05 提交审核" / "张三 on 2026-12-03 14:05: submitted it"."""
    when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""
    return _("%(who)s on %(time)s: %(action)s") % {
        "who": who(actor),
        "time": when,
        "action": action,
    }


def field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name))  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return name.replace("_", " ")


def value_label(model: type[models.Model], name: str, value: Any) -> str:
    """A stored value as the page would show it: a choice by its label, an amount in yuan."""
    if value in (None, ""):
        return "—"
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    choices = dict(getattr(field, "flatchoices", None) or ())
    if value in choices:
        return str(choices[value])
    if (
        getattr(field, "get_internal_type", lambda: "")() == "MoneyField"
        or type(field).__name__ == "MoneyField"
    ):
        from techbridge.core.templatetags.money import yuan

        try:
            return f"{yuan(Decimal(str(value)))} {_('yuan')}"
        except (InvalidOperation, ValueError):
            return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def changes(model: type[models.Model], data: dict[str, Any] | None) -> list[str]:
    """The field changes in an event's data as "字段：旧值 → 新值" lines (a list of names
    becomes "已修改：字段、字段"); other keys that name a model field as "字段：值"; the
    rest (ids, internal markers) is left out."""
    lines: list[str] = []
    for key, value in (data or {}).items():
        if key in CHANGE_KEYS:
            if isinstance(value, dict):
                for name, pair in value.items():
                    if isinstance(pair, list | tuple) and len(pair) == 2:
                        old, new = (value_label(model, name, v) for v in pair)
                        lines.append(f"{field_label(model, name)}：{old} → {new}")
            elif isinstance(value, list | tuple) and value:
                names = "、".join(field_label(model, str(n)) for n in value)
                lines.append(_("Changed: %(fields)s") % {"fields": names})
            continue
        try:
            model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        if isinstance(value, str | int | Decimal) and not isinstance(value, bool):
            lines.append(f"{field_label(model, key)}：{value_label(model, key, value)}")
    return lines


def lines(model: type[models.Model], events: Any, action: Any = None) -> list[dict[str, Any]]:
    """Rows for core/_history.html: time, sentence, reason and field changes of each event.
    ``action(event)`` says what the event did (its kind's label by default)."""
    return [
        {
            "at": e.at,
            "sentence": sentence(e.actor, e.at, action(e) if action else e.get_kind_display()),
            "note": e.note,
            "changes": changes(model, e.data),
        }
        for e in events
    ]
