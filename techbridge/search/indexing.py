"""Keeping the search index in step with the database.

Domain services call :func:`index_on_commit` / :func:`remove_on_commit` inside their
transaction; the index is touched only after the commit (STYLE principle 7), so a
rolled-back change never reaches the index. Both hooks do the same thing: after commit the
record is looked up among the PUBLIC records of its kind and indexed if it is there,
removed otherwise — so publish, edit, withdraw, expire, delete and consent withdrawal need
no special cases, and replaying a hook twice is harmless.

Work is queued per process and written in batches: in the background (a daemon thread,
the default outside tests) so a request that publishes does not wait for the index, or at
once (``SEARCH_INDEX_ASYNC = False``, the default under pytest) so tests see the result.
:func:`flush` waits for the queue; an exit handler flushes what is left. Anything lost
(a killed process) is found by ``techbridge index-check`` and fixed by ``reindex``.
"""

from __future__ import annotations

import atexit
import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from techbridge.search.backends import IndexDoc, get_backend
from techbridge.text import add_words, tokenise_for_index

logger = logging.getLogger(__name__)

BATCH = 500
DEBOUNCE_SECONDS = 0.05


# --- record -> document --------------------------------------------------------------------


# A Han word long enough to have two-character pieces of its own.
_LONG_HAN_WORD = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{3,}")


def index_tokens(text: str | None) -> list[str]:
    """Tokens of a document field: :func:`tokenise_for_index` plus the two-character pieces
    of longer Han words that jieba's search mode does not emit by itself ("烟气脱硝" also
    gives "脱硝"), so a query for part of an out-of-dictionary compound still finds it. The
    query side does not add these (that would only slow queries down)."""
    tokens = tokenise_for_index(text)
    extra: list[str] = []
    seen = set(tokens)
    for token in tokens:
        if len(token) >= 3 and _LONG_HAN_WORD.fullmatch(token):
            for i in range(len(token) - 1):
                piece = token[i : i + 2]
                if piece not in seen:
                    seen.add(piece)
                    extra.append(piece)
    return tokens + extra


def tokens_of_keywords(keywords: Iterable[str]) -> list[str]:
    """Each keyword tokenised on its own, so two keywords never merge into one word."""
    out: list[str] = []
    for keyword in keywords:
        out.extend(index_tokens(keyword))
    return out


def raw_of(record: Any, *, with_title: bool = True) -> dict[str, Any]:
    """The PUBLIC text and codes of a catalogue record (``search_summary`` of a demand is
    the public summary, never the confidential detail), untokenised: plain data that can
    be handed to another process."""
    published_at = getattr(record, "published_at", None)
    return {
        "kind": record.KIND,
        "id": int(record.pk),
        "title": record.search_title if with_title else "",
        "keywords": list(record.search_keywords),
        "summary": record.search_summary,
        "technical_field": record.technical_field or "",
        "region_code": record.region_code or "",
        "industry_code": record.industry_code or "",
        "owner_id": int(record.owner_id or 0),
        "trl": int(record.trl or 0),
        "published_at": int(published_at.timestamp()) if published_at else 0,
        "published": bool(record.is_public),
    }


def document_from_raw(raw: dict[str, Any]) -> IndexDoc:
    """Tokenise a :func:`raw_of` dict into an index document (token fields joined)."""
    return IndexDoc(
        kind=raw["kind"],
        id=raw["id"],
        title=" ".join(index_tokens(raw["title"])),
        keywords=" ".join(tokens_of_keywords(raw["keywords"])),
        summary=" ".join(index_tokens(raw["summary"])),
        technical_field=raw.get("technical_field", ""),
        region_code=raw.get("region_code", ""),
        industry_code=raw.get("industry_code", ""),
        owner_id=raw.get("owner_id", 0),
        trl=raw.get("trl", 0),
        published_at=raw.get("published_at", 0),
        published=raw.get("published", True),
    )


def document_for(record: Any, *, with_title: bool = True) -> IndexDoc:
    """The index document of a catalogue record: its public text only."""
    return document_from_raw(raw_of(record, with_title=with_title))


def public_records(kind: str, pks: Iterable[int] | None = None) -> Iterator[Any]:
    """Public records of ``kind`` (all, or those among ``pks``), owner joined for signals."""
    from techbridge.catalogue.selectors import public_queryset

    qs = public_queryset(kind).select_related("owner").order_by("pk")
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    return qs.iterator(chunk_size=2000)


def raws(kind: str, *, with_title: bool = True) -> Iterator[dict[str, Any]]:
    for record in public_records(kind):
        if record.is_public:
            yield raw_of(record, with_title=with_title)


def documents(kind: str, *, with_title: bool = True) -> Iterator[IndexDoc]:
    for raw in raws(kind, with_title=with_title):
        yield document_from_raw(raw)


# --- domain dictionary ---------------------------------------------------------------------

_dictionary_loaded = False
_dictionary_lock = threading.Lock()
KEYWORDS_PER_KIND = 20_000


def ensure_dictionary() -> None:
    """Once per process: teach the segmenter the platform's words (technical-field and
    industry names, keywords of recent published records). A few thousand words, ~0.1 s."""
    global _dictionary_loaded
    if _dictionary_loaded:
        return
    with _dictionary_lock:
        if _dictionary_loaded:
            return
        _dictionary_loaded = True
        try:
            add_words(_dictionary_words())
        except Exception:
            logger.warning("search: domain dictionary not loaded", exc_info=True)


def _dictionary_words() -> list[str]:
    from techbridge.catalogue.kinds import KINDS
    from techbridge.catalogue.selectors import public_queryset
    from techbridge.codes.choices import TechField
    from techbridge.codes.models import Industry

    words: list[str] = []
    for label in TechField.labels:
        words.extend(part for part in str(label).replace("、", "和").split("和") if part)
    words.extend(Industry.objects.values_list("name", flat=True).distinct()[:5000])
    for kind in KINDS:
        rows = public_queryset(kind).order_by("-published_at").values_list("keywords", flat=True)
        for keywords in rows[:KEYWORDS_PER_KIND]:
            words.extend(str(k) for k in (keywords or []) if 2 <= len(str(k)) <= 12)
    return words


# --- the queue -----------------------------------------------------------------------------


@dataclass
class _Queue:
    pending: dict[str, set[int]] = field(default_factory=dict)
    lock: threading.Condition = field(default_factory=threading.Condition)
    busy: bool = False
    thread: threading.Thread | None = None
    suspended: int = 0


_queue = _Queue()


def _async() -> bool:
    default = getattr(settings, "ENVIRONMENT", "") != "test"
    return bool(getattr(settings, "SEARCH_INDEX_ASYNC", default))


def _enqueue(kind: str, pk: int) -> None:
    with _queue.lock:
        if _queue.suspended:
            return
        _queue.pending.setdefault(kind, set()).add(int(pk))
        _queue.lock.notify_all()
    if _async():
        _ensure_thread()
    else:
        flush()


def index_on_commit(kind: str, pk: int) -> None:
    """(Re)index record ``pk`` of ``kind`` after commit; removes it if no longer public."""
    transaction.on_commit(lambda: _enqueue(kind, pk))


def remove_on_commit(kind: str, pk: int) -> None:
    """Remove record ``pk`` of ``kind`` from the index after commit (kept if, by then, it
    is public again — the database decides)."""
    transaction.on_commit(lambda: _enqueue(kind, pk))


@contextmanager
def suspended() -> Iterator[None]:
    """Ignore index hooks inside the block (bulk loads that end with a ``reindex``)."""
    with _queue.lock:
        _queue.suspended += 1
    try:
        yield
    finally:
        with _queue.lock:
            _queue.suspended -= 1


def sync_records(kind: str, pks: Iterable[int]) -> tuple[int, int]:
    """Index the public ones among ``pks`` now and remove the others; (indexed, removed)."""
    pks = {int(pk) for pk in pks}
    if not pks:
        return (0, 0)
    ensure_dictionary()
    backend = get_backend()
    docs = [document_for(r) for r in public_records(kind, pks) if r.is_public]
    gone = pks - {d.id for d in docs}
    backend.sync(docs, {kind: gone})
    return (len(docs), len(gone))


def _take() -> list[tuple[str, list[int]]]:
    """Up to BATCH ids per kind out of the queue (caller holds the lock)."""
    work = []
    for kind in list(_queue.pending):
        ids = _queue.pending[kind]
        chunk = [ids.pop() for _ in range(min(BATCH, len(ids)))]
        if not ids:
            del _queue.pending[kind]
        work.append((kind, chunk))
    return work


def _drain_once() -> bool:
    with _queue.lock:
        if _queue.busy or not _queue.pending:
            return False
        _queue.busy = True
        work = _take()
    try:
        for kind, chunk in work:
            try:
                sync_records(kind, chunk)
            except Exception:
                logger.exception("search: indexing %s failed; re-queued", kind)
                with _queue.lock:
                    _queue.pending.setdefault(kind, set()).update(chunk)
                raise
    finally:
        with _queue.lock:
            _queue.busy = False
            _queue.lock.notify_all()
    return True


def flush(timeout: float = 60.0) -> bool:
    """Write everything queued now (in this thread) and wait for a running batch; True if
    the queue is empty at the end."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            worked = _drain_once()
        except Exception:
            return False
        with _queue.lock:
            if not _queue.pending and not _queue.busy:
                return True
            if not worked:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                _queue.lock.wait(min(remaining, 0.1))


def _worker() -> None:
    while True:
        with _queue.lock:
            while not _queue.pending:
                _queue.lock.wait()
        time.sleep(DEBOUNCE_SECONDS)  # let a burst of commits form one batch
        try:
            _drain_once()
        except Exception:
            time.sleep(1.0)  # logged in _drain_once; retry later (e.g. writer lock busy)
        finally:
            close_old_connections()
            if not connection.in_atomic_block:
                connection.close()


def _ensure_thread() -> None:
    with _queue.lock:
        if _queue.thread is None or not _queue.thread.is_alive():
            _queue.thread = threading.Thread(target=_worker, name="search-indexer", daemon=True)
            _queue.thread.start()


@atexit.register
def _flush_at_exit() -> None:
    if _queue.pending and not flush(timeout=30.0):
        logger.warning(
            "search: %d kinds left unindexed; run `techbridge index-check`", len(_queue.pending)
        )


# --- whole-index operations ----------------------------------------------------------------


def all_kinds() -> list[str]:
    from techbridge.catalogue.kinds import KINDS

    return list(KINDS)


def public_count(kind: str) -> int:
    from techbridge.catalogue.selectors import public_queryset

    return public_queryset(kind).count()


def rebuild(kinds: Sequence[str] | None = None, *, progress: Any = None, workers: int = 1) -> int:
    """Rebuild the index of ``kinds`` (all if None) from the public records; searches keep
    answering from the old index meanwhile. Records changed during the rebuild are caught
    up afterwards. ``progress(n)`` is called per document; ``workers`` > 1 tokenises in
    that many forked processes (the database is read here only). Returns the count."""
    ensure_dictionary()  # before forking, so workers segment with the same dictionary
    started = time.time()
    names = list(kinds) if kinds else all_kinds()

    def stream() -> Iterator[dict[str, Any]]:
        for kind in names:
            for raw in raws(kind):
                if progress is not None:
                    progress(1)
                yield raw

    backend = get_backend()
    target = list(kinds) if kinds else None
    if workers > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(workers) as pool:
            count = backend.rebuild(_pooled(pool, stream()), kinds=target)
    else:
        count = backend.rebuild(map(document_from_raw, stream()), kinds=target)
    catch_up(names, since=started)
    return count


def _pooled(pool: Any, raws: Iterator[dict[str, Any]], size: int = 2048) -> Iterator[IndexDoc]:
    """Tokenise ``raws`` in ``pool`` while the caller indexes the previous batch. The
    database is read in THIS thread (Pool.imap would read it from a feeder thread, with
    another connection outside the caller's transaction)."""
    pending = None
    batch: list[dict[str, Any]] = []
    for raw in raws:
        batch.append(raw)
        if len(batch) >= size:
            submitted = pool.map_async(document_from_raw, batch, chunksize=128)
            if pending is not None:
                yield from pending.get()
            pending, batch = submitted, []
    submitted = pool.map_async(document_from_raw, batch, chunksize=128) if batch else None
    if pending is not None:
        yield from pending.get()
    if submitted is not None:
        yield from submitted.get()


def catch_up(kinds: Sequence[str], *, since: float) -> None:
    """After a rebuild: re-sync records changed since ``since`` and every id on which the
    database and the index disagree (changes that reached the old generation)."""
    from datetime import UTC, datetime

    from techbridge.catalogue.kinds import KINDS

    moment = datetime.fromtimestamp(since - 1, tz=UTC)
    for kind in kinds:
        changed = set(
            KINDS[kind]._default_manager.filter(updated_at__gte=moment).values_list("pk", flat=True)
        )
        missing, extra = differences(kind)
        sync_records(kind, changed | missing | extra)


def differences(kind: str) -> tuple[set[int], set[int]]:
    """(public in the database but not indexed, indexed but not public) for ``kind``."""
    from techbridge.catalogue.selectors import public_queryset

    in_db = set(public_queryset(kind).values_list("pk", flat=True))
    in_index = get_backend().all_ids(kind)
    return (in_db - in_index, in_index - in_db)


def reset_index() -> None:
    """Empty the index and the queue (tests)."""
    with _queue.lock:
        _queue.pending.clear()
    get_backend().clear()
