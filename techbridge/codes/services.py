"""Loading the code lists into the database — the only writer of the codes tables.

``load_code_lists`` upserts every list by its natural key within its edition, one
transaction per list, and reports what it created, updated and left unchanged. Running it
again changes nothing. Rows of the edition that are no longer in a fixture (a corrected
name is a new natural key) are counted as ``stale`` and kept unless ``prune=True``: by
default a load never deletes, and other apps store codes, not keys, so pruning is safe
once the stale rows have been looked at.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from techbridge.codes import holidays, selectors
from techbridge.codes.choices import CODE_LISTS
from techbridge.codes.derivation import (
    COUNTRY_FIXTURE,
    DATA_DIR,
    INDUSTRY_FIXTURE,
    REGION_FIXTURE,
)
from techbridge.codes.models import (
    COUNTRY_EDITION,
    INDUSTRY_EDITION,
    REGION_EDITION,
    CodeListEntry,
    Country,
    Industry,
    Region,
    WorkCalendarDay,
    WorkCalendarYear,
)
from techbridge.codes.pinyin import spell

#: progress(list_name, rows_done, rows_total) — called after every batch of a list.
Progress = Callable[[str, int, int], None]

_BATCH = 500


@dataclass(frozen=True)
class LoadResult:
    """Outcome of loading one list: counts of rows by what happened to them."""

    list_name: str
    edition: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0  # in the database for this edition but no longer in the source
    deleted: int = 0  # stale rows removed because prune=True

    @property
    def total(self) -> int:
        """Rows in the source of this list."""
        return self.created + self.updated + self.unchanged


# A source row: its field values (natural-key fields included) and its parent's natural
# key, or None for a root / a model without parents.
_Row = tuple[dict[str, Any], tuple[Any, ...] | None]


@dataclass(frozen=True)
class _Dataset:
    list_name: str
    model: type[models.Model]
    edition: str
    key: tuple[str, ...]  # natural key within the edition (and scope)
    rows: Callable[[], list[_Row]]
    scope: tuple[tuple[str, Any], ...] = ()  # fixed field values, e.g. the list name
    has_parent: bool = False


def _csv_rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _float(text: str) -> float | None:
    return float(text) if text else None


def _spelling(name: str) -> dict[str, str]:
    # Stored with the row so that type-ahead by letters is an indexed prefix lookup.
    initials, pinyin = spell(name)
    return {"initials": initials, "pinyin": pinyin}


def _region_rows() -> list[_Row]:
    return [
        (
            {
                "code": r["code"],
                "name": r["name"],
                **_spelling(r["name"]),
                "level": int(r["level"]),
                "revoked": r["revoked"] == "1",
                "latitude": _float(r["latitude"]),
                "longitude": _float(r["longitude"]),
            },
            (r["parent_code"], r["parent_name"]) if r["parent_code"] else None,
        )
        for r in _csv_rows(REGION_FIXTURE)
    ]


def _industry_rows() -> list[_Row]:
    return [
        (
            {
                "code": r["code"],
                "name": r["name"],
                **_spelling(r["name"]),
                "level": int(r["level"]),
                "definition": r["definition"],
            },
            (r["parent_code"],) if r["parent_code"] else None,
        )
        for r in _csv_rows(INDUSTRY_FIXTURE)
    ]


def _country_rows() -> list[_Row]:
    return [
        (
            {
                "alpha2": r["alpha2"],
                "alpha3": r["alpha3"],
                "numeric": r["numeric"],
                "name_en": r["name_en"],
                "name_zh": r["name_zh"],
                "sovereign": r["sovereign"],
                "independent": r["independent"] == "1",
            },
            None,
        )
        for r in _csv_rows(COUNTRY_FIXTURE)
    ]


def _entry_rows(list_name: str) -> Callable[[], list[_Row]]:
    def rows() -> list[_Row]:
        return [
            (
                {
                    "code": code,
                    "label_zh": label_zh,
                    "label_en": label_en,
                    "parent_code": parent_code,
                    "sort_order": position,
                },
                None,
            )
            for position, (code, label_zh, label_en, parent_code) in enumerate(
                CODE_LISTS[list_name].rows(), start=1
            )
        ]

    return rows


def _calendar_year_rows() -> list[_Row]:
    return [({"year": year, "source": holidays.notice(year)}, None) for year in holidays.years()]


def _calendar_day_rows() -> list[_Row]:
    return [
        (
            {
                "date": row.day,
                "kind": row.kind.value,
                "name_zh": row.name_zh,
                "name_en": row.name_en,
            },
            None,
        )
        for row in holidays.day_rows()
    ]


def _datasets() -> list[_Dataset]:
    datasets = [
        _Dataset(
            "regions", Region, REGION_EDITION, ("code", "name"), _region_rows, has_parent=True
        ),
        _Dataset(
            "industries", Industry, INDUSTRY_EDITION, ("code",), _industry_rows, has_parent=True
        ),
        _Dataset("countries", Country, COUNTRY_EDITION, ("alpha2",), _country_rows),
    ]
    datasets += [
        _Dataset(
            name,
            CodeListEntry,
            spec.edition,
            ("code",),
            _entry_rows(name),
            scope=(("list_name", name),),
        )
        for name, spec in CODE_LISTS.items()
    ]
    # The holiday calendar's edition is the installed package's version, so upgrading
    # chinese-calendar and reloading adds a new edition next to the old one.
    edition = holidays.installed_edition()
    datasets += [
        _Dataset("calendar_years", WorkCalendarYear, edition, ("year",), _calendar_year_rows),
        _Dataset("calendar_days", WorkCalendarDay, edition, ("date",), _calendar_day_rows),
    ]
    return datasets


def _tiers(dataset: _Dataset, rows: list[_Row]) -> list[list[_Row]]:
    """Split rows so that every parent sits in an earlier tier than its children.

    Writing tier by tier lets a new child get its parent's primary key on insert, so the
    parent links need no separate UPDATE of every row on a first load.
    """
    if not dataset.has_parent:
        return [rows]
    parents = {tuple(f[k] for k in dataset.key): parent for f, parent in rows}
    depth: dict[tuple[Any, ...], int] = {}

    def depth_of(key: tuple[Any, ...], seen: int = 0) -> int:
        if key not in depth:
            if seen > 20 or key not in parents:
                raise ValueError(f"{dataset.list_name}: bad parent chain at {key}")
            parent = parents[key]
            depth[key] = 0 if parent is None else depth_of(parent, seen + 1) + 1
        return depth[key]

    tiers: list[list[_Row]] = []
    for row in rows:
        level = depth_of(tuple(row[0][k] for k in dataset.key))
        while len(tiers) <= level:
            tiers.append([])
        tiers[level].append(row)
    return tiers


def _load(dataset: _Dataset, progress: Progress | None, prune: bool) -> LoadResult:
    model, key = dataset.model, dataset.key
    manager = model._default_manager
    scope = dict(dataset.scope)
    rows = dataset.rows()
    seen = {tuple(f[k] for k in key) for f, _ in rows}
    if len(seen) != len(rows):
        # Caught here with a clear message rather than as an IntegrityError mid-load.
        raise ValueError(f"{dataset.list_name}: the fixture repeats a natural key {key}")
    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {
            tuple(getattr(obj, k) for k in key): obj
            for obj in manager.filter(edition=dataset.edition, **scope)
        }
        pk_by_key: dict[tuple[Any, ...], Any] = {k: obj.pk for k, obj in existing.items()}
        done = 0
        for tier in _tiers(dataset, rows):
            to_create: list[models.Model] = []
            to_update: list[models.Model] = []
            changed_fields: set[str] = set()
            for fields, parent_key in tier:
                values = dict(fields)
                if dataset.has_parent:
                    values["parent_id"] = pk_by_key[parent_key] if parent_key else None
                obj = existing.get(tuple(fields[k] for k in key))
                if obj is None:
                    to_create.append(model(edition=dataset.edition, **scope, **values))
                    continue
                changed = [name for name, value in values.items() if getattr(obj, name) != value]
                if changed:
                    for name in changed:
                        setattr(obj, name, values[name])
                    changed_fields.update(changed)
                    to_update.append(obj)
                else:
                    unchanged += 1
            made = manager.bulk_create(to_create, batch_size=_BATCH)
            created += len(made)
            if any(obj.pk is None for obj in made):
                # Backends without RETURNING on bulk insert: read the new keys back.
                made = list(manager.filter(edition=dataset.edition, **scope))
            pk_by_key.update({tuple(getattr(obj, k) for k in key): obj.pk for obj in made})
            if to_update:
                manager.bulk_update(to_update, sorted(changed_fields), batch_size=_BATCH)
                updated += len(to_update)
            done += len(tier)
            if progress is not None:
                progress(dataset.list_name, done, len(rows))
        stale_pks = [obj.pk for k, obj in existing.items() if k not in seen]
        deleted = 0
        if prune and stale_pks:
            stale_rows = manager.filter(pk__in=stale_pks)
            if dataset.has_parent:
                # Stale rows may hang under each other; unlink first so PROTECT allows it.
                stale_rows.update(parent=None)
            deleted = stale_rows.delete()[0]
    return LoadResult(
        dataset.list_name, dataset.edition, created, updated, unchanged, len(stale_pks), deleted
    )


def load_code_lists(
    *,
    only: list[str] | None = None,
    prune: bool = False,
    progress: Progress | None = None,
) -> dict[str, LoadResult]:
    """Load every code list (or the names in ``only``) from the fixtures in ``codes/data``
    and ``choices.CODE_LISTS``; with ``prune`` also delete the edition's rows that left
    the fixtures. Returns a LoadResult per list name, in loading order. Safe to run
    again: a second run reports only unchanged rows."""
    datasets = _datasets()
    if only is not None:
        unknown = set(only) - {d.list_name for d in datasets}
        if unknown:
            raise ValueError(f"unknown code lists: {', '.join(sorted(unknown))}")
        datasets = [d for d in datasets if d.list_name in only]
    results: dict[str, LoadResult] = {}
    try:
        for dataset in datasets:
            results[dataset.list_name] = _load(dataset, progress, prune)
    finally:
        # The selectors cache whole lists in process memory; whatever happened, the next
        # lookup must read the tables again.
        selectors.clear_cache()
    return results


def code_list_names() -> list[str]:
    """Names accepted by ``load_code_lists(only=...)``, in loading order."""
    return [d.list_name for d in _datasets()]
