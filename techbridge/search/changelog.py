"""The index change log (ADR 0008): rows written in the business transaction, and the
cursor with which each node's index follows them.

A cursor says which changes an index generation holds: ``high`` is the largest change id
applied and ``gaps`` are the id ranges below it not seen yet. Gaps exist because
PostgreSQL hands out ids at insert time, not at commit: a long transaction holding id 10
may commit after id 11 has been applied. A gap is looked for again on every poll until its
row appears or ``SEARCH_LOG_GAP_SECONDS`` pass (then it was a rollback; SQLite, whose
writers are serialised, never has any). ``high_at`` (the creation time of change
``high``) ties the cursor to this database's log: if that row is gone — pruned past a node
that was away, or a backup restored — the cursor means nothing and the node rebuilds.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from techbridge.search.backends import SearchBackend

logger = logging.getLogger(__name__)

BATCH = 2000  # one index commit per batch: commits, not documents, dominate small batches
MAX_GAPS = 1000
PUBLISH_SECONDS = 10.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Gap = tuple[int, int, float]  # first id, last id, when it was noticed (Unix seconds)


def gap_seconds() -> float:
    """How long a missing id is waited for: longer than the longest business transaction
    that logs changes (a big import)."""
    return float(getattr(settings, "SEARCH_LOG_GAP_SECONDS", 15 * 60))


def retention_days() -> int:
    return int(getattr(settings, "SEARCH_LOG_RETENTION_DAYS", 7))


def stamp(moment: datetime) -> int:
    """A change's creation time as integer microseconds (exact in JSON, on every database)."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    high: int = 0
    high_at: int = 0
    gaps: list[Gap] = field(default_factory=list)
    generation: str = ""

    @property
    def position(self) -> int:
        """Every change with an id up to this one is applied (or given up)."""
        return self.gaps[0][0] - 1 if self.gaps else self.high

    def replace(self, **changes: Any) -> Cursor:
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return {"high": self.high, "high_at": self.high_at, "gaps": [list(g) for g in self.gaps]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], generation: str) -> Cursor:
        gaps = [(int(g[0]), int(g[1]), float(g[2])) for g in data.get("gaps", [])]
        return cls(
            high=int(data.get("high", 0)),
            high_at=int(data.get("high_at", 0)),
            gaps=sorted(gaps),
            generation=generation,
        )


# --- writing the log -------------------------------------------------------------------------


def record_change(kind: str, pk: int) -> None:
    """One log row, in the caller's transaction (or its own commit outside one)."""
    from techbridge.search.models import IndexChange

    IndexChange.objects.create(kind=kind, record_pk=int(pk))


def record_changes(kind: str, pks: Iterable[int]) -> int:
    """Many log rows in one statement (imports); returns how many."""
    from techbridge.search.models import IndexChange

    now = timezone.now()
    rows = [IndexChange(kind=kind, record_pk=int(pk), created_at=now) for pk in pks]
    IndexChange.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- cursors ---------------------------------------------------------------------------------


def read_cursor(backend: SearchBackend, generation: str | None = None) -> Cursor | None:
    generation = backend.generation() if generation is None else generation
    data = backend.load_cursor(generation)
    return None if data is None else Cursor.from_dict(data, generation)


def write_cursor(backend: SearchBackend, cursor: Cursor) -> None:
    backend.save_cursor(cursor.generation or backend.generation(), cursor.as_dict())


def fresh_cursor() -> Cursor:
    """The cursor of an index built from the database as it is now: up to the latest
    change, with holes among the recent ids (transactions still running) as gaps."""
    from techbridge.search.models import IndexChange

    last = IndexChange.objects.order_by("-id").values_list("id", "created_at").first()
    if last is None:
        return Cursor()
    since = timezone.now() - timedelta(seconds=gap_seconds())
    recent = IndexChange.objects.filter(created_at__gte=since, id__lte=last[0])
    ids = list(recent.order_by("id").values_list("id", flat=True))
    noticed = time.time()
    gaps = [(a + 1, b - 1, noticed) for a, b in pairwise(ids) if b > a + 1]
    return Cursor(high=last[0], high_at=stamp(last[1]), gaps=gaps[-MAX_GAPS:])


def belongs_to_this_log(cursor: Cursor) -> bool:
    """False when the change the cursor stands on is not in this database's log."""
    from techbridge.search.models import IndexChange

    if cursor.high == 0:
        return True
    created = IndexChange.objects.filter(pk=cursor.high).values_list("created_at", flat=True)
    found = created.first()
    return found is not None and stamp(found) == cursor.high_at


# --- reading the log -------------------------------------------------------------------------

Row = tuple[int, str, int, datetime]  # id, kind, record pk, created at


def rows_after(high: int, limit: int | None = None) -> list[Row]:
    from techbridge.search.models import IndexChange

    qs = IndexChange.objects.filter(id__gt=high).order_by("id")
    return list(qs.values_list("id", "kind", "record_pk", "created_at")[: limit or BATCH])


def rows_in_gaps(gaps: list[Gap]) -> list[Row]:
    from techbridge.search.models import IndexChange

    found: list[Row] = []
    for start in range(0, len(gaps), 50):
        where = Q()
        for lo, hi, _ in gaps[start : start + 50]:
            where |= Q(id__gte=lo, id__lte=hi)
        qs = IndexChange.objects.filter(where).order_by("id")
        found.extend(qs.values_list("id", "kind", "record_pk", "created_at"))
    return found


def advance(cursor: Cursor, new_rows: list[Row], filled: Iterable[int]) -> Cursor:
    """The cursor after applying ``new_rows`` (ids above ``high``, ascending) and the rows
    found in gaps (``filled``): holes among the new ids become gaps, found ids leave their
    gaps, gaps older than the waiting time are given up."""
    now = time.time()
    gaps = list(cursor.gaps)
    for pk in sorted(set(filled)):
        gaps = _punch(gaps, pk)
    high, high_at = cursor.high, cursor.high_at
    for pk, _kind, _record, created in new_rows:
        if pk > high + 1:
            gaps.append((high + 1, pk - 1, now))
        high, high_at = pk, stamp(created)
    limit = now - gap_seconds()
    expired = [g for g in gaps if g[2] < limit]
    if expired:
        logger.warning(
            "search: gave up waiting for change ids %s (rolled back, or a transaction longer "
            "than SEARCH_LOG_GAP_SECONDS; index-check finds what it missed)",
            ", ".join(f"{lo}-{hi}" for lo, hi, _ in expired[:10]),
        )
    gaps = sorted(g for g in gaps if g[2] >= limit)
    if len(gaps) > MAX_GAPS:
        logger.warning("search: %d gaps in the change log; oldest dropped", len(gaps))
        gaps = sorted(gaps, key=lambda g: g[2])[-MAX_GAPS:]
        gaps.sort()
    return cursor.replace(high=high, high_at=high_at, gaps=gaps)


def _punch(gaps: list[Gap], pk: int) -> list[Gap]:
    out: list[Gap] = []
    for lo, hi, noticed in gaps:
        if lo <= pk <= hi:
            if lo < pk:
                out.append((lo, pk - 1, noticed))
            if pk < hi:
                out.append((pk + 1, hi, noticed))
        else:
            out.append((lo, hi, noticed))
    return out


# --- nodes, lag and pruning ------------------------------------------------------------------


def node_name() -> str:
    """This node's name in IndexCursor: ``SEARCH_NODE_NAME`` or host and index directory."""
    configured = getattr(settings, "SEARCH_NODE_NAME", "")
    if configured:
        return str(configured)[:200]
    return f"{socket.gethostname()}:{Path(settings.SEARCH_INDEX_DIR).resolve()}"[-200:]


_published: dict[str, float] = {}


def publish_cursor(cursor: Cursor | None, *, force: bool = False) -> None:
    """Tell the database where this node stands (at most every PUBLISH_SECONDS)."""
    from techbridge.search.models import IndexCursor

    if cursor is None:
        return
    node = node_name()
    if not force and time.monotonic() - _published.get(node, -1e9) < PUBLISH_SECONDS:
        return
    IndexCursor.objects.update_or_create(
        node=node,
        defaults={
            "generation": cursor.generation[:100],
            "position": cursor.position,
            "high": cursor.high,
            "updated_at": timezone.now(),
        },
    )
    _published[node] = time.monotonic()


def lag(cursor: Cursor | None) -> dict[str, Any]:
    """How far ``cursor`` is behind the log: changes not applied and the oldest one's age."""
    from techbridge.search.models import IndexChange

    high = cursor.high if cursor is not None else 0
    pending = IndexChange.objects.filter(id__gt=high)
    oldest = pending.order_by("id").values_list("created_at", flat=True).first()
    latest = IndexChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    age = (timezone.now() - oldest).total_seconds() if oldest is not None else 0.0
    return {
        "cursor": high,
        "position": cursor.position if cursor is not None else 0,
        "gaps": len(cursor.gaps) if cursor is not None else 0,
        "latest": latest,
        "lag": pending.count() if oldest is not None else 0,
        "lag_seconds": round(max(age, 0.0), 3),
    }


def prune(*, now: datetime | None = None) -> int:
    """Delete changes older than the retention and below every known node's position (a
    node not heard of within the retention is not known; it rebuilds when it returns).
    Returns how many rows were deleted."""
    from techbridge.search.models import IndexChange, IndexCursor

    now = now or timezone.now()
    horizon = now - timedelta(days=retention_days())
    known = IndexCursor.objects.filter(updated_at__gte=horizon)
    floor = min(known.values_list("position", flat=True), default=None)
    IndexCursor.objects.filter(updated_at__lt=horizon - timedelta(days=retention_days())).delete()
    if floor is None:
        return 0
    deleted = 0
    while True:
        # The row at a node's position stays: it is what that node's cursor stands on.
        ids = list(
            IndexChange.objects.filter(id__lt=floor, created_at__lt=horizon)
            .order_by("id")
            .values_list("id", flat=True)[:5000]
        )
        if not ids:
            return deleted
        deleted += IndexChange.objects.filter(id__in=ids).delete()[0]
