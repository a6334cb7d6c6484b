"""The importer interface every domain implements, and the upsert that most of them use.

An importer names its columns, cleans one row into model field values (cross-field
checks, lookups), gives each row a natural key, and applies validated rows chunk by
chunk. The service (imports.services.import_file) does the reading, the error report and
the chunked, resumable write around it (ADR 0006).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import models

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record_many
from techbridge.imports.columns import Column


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    created_objects: list[models.Model] = field(default_factory=list)
    updated_objects: list[models.Model] = field(default_factory=list)


class Importer:
    kind: ClassVar[str]
    columns: ClassVar[Sequence[Column]]
    # Headers an export writes that an import reads past (status, published_at); any
    # other header no column knows is refused.
    ignored_headers: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, actor: Any, options: dict[str, Any] | None = None) -> None:
        self.actor = actor
        self.options = options or {}

    def prepare(self) -> None:
        """Resolve options and load lookups once per file (raise ValidationError if an
        option itself is wrong, e.g. an unknown --org)."""

    def clean_row(self, values: dict[str, Any]) -> dict[str, Any]:
        """Values are parsed per column; return model field values or raise
        ValidationError({field: [messages]}) for cross-field problems."""
        return values

    def natural_key(self, cleaned: dict[str, Any]) -> Hashable:
        return cleaned.get("external_id")

    def apply(self, rows: list[dict[str, Any]], *, dry_run: bool) -> Outcome:
        """Write one chunk of validated rows (called once per chunk, each in its own
        transaction). Must be idempotent by natural key: a re-run of the same file after
        an interruption finds the earlier chunks' rows and leaves them unchanged."""
        raise NotImplementedError

    def after_commit(self, outcome: Outcome) -> None:
        """Side effects once a chunk's rows are committed (search index, notifications);
        ``outcome`` is that chunk's."""


def upsert(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    key_fields: Sequence[str],
    compare_fields: Sequence[str],
    actor: Any,
    dry_run: bool,
    chunk: int = 2000,
) -> Outcome:
    """Insert rows whose key is new, update rows whose values differ, count the rest as
    unchanged. Versioned models get their version bumped on update. Every created and
    updated object gets an audit row (bulk, in the same transaction)."""
    outcome = Outcome()
    rows = list(rows)
    versioned = any(f.name == "version" for f in model._meta.get_fields())
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        existing = _existing(model, part, key_fields)
        new: list[models.Model] = []
        changed: list[models.Model] = []
        changed_names: set[str] = set()
        for row in part:
            key = tuple(_key_value(row[k]) for k in key_fields)
            current = existing.get(key)
            if current is None:
                new.append(model(**row))
                continue
            diff = [f for f in compare_fields if f in row and getattr(current, f) != row[f]]
            if not diff:
                outcome.unchanged += 1
                continue
            for name in diff:
                setattr(current, name, row[name])
            if versioned:
                current.version += 1  # type: ignore[attr-defined]
            changed.append(current)
            changed_names.update(diff)
        outcome.created += len(new)
        outcome.updated += len(changed)
        if dry_run:
            continue
        if new:
            model._default_manager.bulk_create(new, batch_size=500)
            outcome.created_objects.extend(new)
        if changed:
            fields = sorted(changed_names | ({"version"} if versioned else set()))
            if any(f.name == "updated_at" for f in model._meta.get_fields()):
                from django.utils import timezone

                now = timezone.now()
                for obj in changed:
                    obj.updated_at = now  # type: ignore[attr-defined]
                fields.append("updated_at")
            model._default_manager.bulk_update(changed, fields, batch_size=500)
            outcome.updated_objects.extend(changed)
    if not dry_run:
        audit_record_many(
            AuditEventType.CREATE,
            actor=actor,
            objects=outcome.created_objects,
            detail={"via": "import"},
        )
        audit_record_many(
            AuditEventType.UPDATE,
            actor=actor,
            objects=outcome.updated_objects,
            detail={"via": "import"},
        )
    return outcome


def _key_value(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _existing(
    model: type[models.Model], rows: list[dict[str, Any]], key_fields: Sequence[str]
) -> dict[tuple[Any, ...], models.Model]:
    if len(key_fields) == 1:
        name = key_fields[0]
        values = [_key_value(r[name]) for r in rows]
        found = model._default_manager.filter(**{f"{name}__in": values})
        return {
            (
                _key_value(getattr(o, name))
                if not _is_fk(model, name)
                else getattr(o, f"{name}_id"),
            ): o
            for o in found
        }
    # Composite key: narrow by the first field, match the rest in Python.
    first = key_fields[0]
    first_values = {_key_value(r[first]) for r in rows}
    lookup = f"{first}__in" if not _is_fk(model, first) else f"{first}_id__in"
    found = model._default_manager.filter(**{lookup: first_values})
    result: dict[tuple[Any, ...], models.Model] = {}
    for obj in found:
        key = tuple(
            getattr(obj, f"{k}_id") if _is_fk(model, k) else getattr(obj, k) for k in key_fields
        )
        result[key] = obj
    return result


def _is_fk(model: type[models.Model], name: str) -> bool:
    return isinstance(model._meta.get_field(name), models.ForeignKey)
