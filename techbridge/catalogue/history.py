"""The history of a catalogue record as sentences (core.history): what each transition
means to the people who read it — "陈科长 于 2026-12-03 14:05 审核通过并发布"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from techbridge.catalogue.models import RecordEvent, Status
from techbridge.catalogue.models.events import RecordEventKind
from techbridge.core.history import lines


def _action(event: RecordEvent) -> str:
    to, since = event.to_state, event.from_state
    if event.kind == RecordEventKind.CREATED:
        return _("created the record as a draft") if to == Status.DRAFT else _("created the record")
    if event.kind == RecordEventKind.RENEWED:
        return _("renewed the record")
    if event.kind == RecordEventKind.CONFIRMED:
        return _("confirmed the record for the enterprise")
    if event.kind == RecordEventKind.CONSENT:
        return _("withdrew consent; the personal data was erased")
    if event.kind == RecordEventKind.DELETED:
        return _("deleted the record")
    by_state = {
        Status.SUBMITTED: _("submitted it for review"),
        Status.RETURNED: _("returned it for changes"),
        Status.WITHDRAWN: _("withdrew it"),
        Status.EXPIRED: _("marked it expired"),
        Status.DRAFT: _("reopened it as a draft"),
    }
    if to == Status.PUBLISHED:
        return _("approved and published it") if since == Status.SUBMITTED else _("published it")
    if to in by_state:
        return by_state[Status(to)]
    return str(event.get_kind_display())


def history_lines(record: Any, events: Any) -> list[dict[str, Any]]:
    """One row per event: its time, the sentence, the reason and the field changes."""
    return lines(type(record), events, _action)
