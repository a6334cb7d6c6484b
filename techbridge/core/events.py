"""Writing event rows: one call for every app's event table (see core.models.EventBase).

A service writes ``record_event(ContractEvent, subject=contract, actor=actor,
kind=ContractEventKind.SUBMITTED, from_state=old, to_state=new)`` in its transaction; an
unknown ``kind`` is a programming error and raises at once, so a typo never reaches the
history pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.db import models

from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.models import EventBase

E = TypeVar("E", bound=EventBase)


def new_event(
    model: type[E],
    *,
    subject: models.Model,
    actor: Actor,
    kind: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> E:
    """An unsaved event row (for bulk_create); record_event saves one."""
    choices = getattr(model._meta.get_field("kind"), "choices", None)
    if choices and str(kind) not in {str(value) for value, _label in choices}:
        raise ValueError(f"{model.__name__} has no event kind {kind!r}")
    values: dict[str, Any] = {
        **model.subject_values(subject),
        "kind": str(kind),
        "from_state": str(from_state or ""),
        "to_state": str(to_state or ""),
        "actor": actor_or_none(actor),
        "note": str(note or ""),
        "data": data or {},
    }
    if at is not None:
        values["at"] = at
    return model(**values)


def record_event(
    model: type[E],
    *,
    subject: models.Model,
    actor: Actor,
    kind: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> E:
    """Write one event of ``kind`` about ``subject`` by ``actor`` (None = the system)."""
    event = new_event(
        model,
        subject=subject,
        actor=actor,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data,
        at=at,
    )
    event.save(force_insert=True)
    return event


def record_events(model: type[E], events: Iterable[E]) -> list[E]:
    """Write many rows built with new_event in one statement per batch."""
    return model.objects.bulk_create(list(events), batch_size=2000)  # type: ignore[attr-defined]
