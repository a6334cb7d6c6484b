"""Keeping the search index in step with the database.

Domain services call :func:`index_on_commit` / :func:`remove_on_commit` inside their
transaction; both write a row to the index change log (``search.IndexChange``) in that
same transaction, so a rolled-back change logs nothing and a committed change survives
even ``kill -9`` right after the commit (ADR 0008). Every node's index follows the log from
its own cursor (:mod:`techbridge.search.follower`): each change is looked up among the
PUBLIC records of its kind and indexed if it is there, removed otherwise — so publish,
edit, withdraw, expire, delete and consent withdrawal need no special cases, and applying
a change twice is harmless.

Outside tests a background follower applies the log (findable well within 2 s on every
node); under pytest (``SEARCH_INDEX_ASYNC = False``) the log is applied right after the
commit in the committing thread, so tests see the result at once. :func:`flush` brings
this node's index up to the log; :func:`check_and_repair` is the nightly check.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from techbridge.search import changelog, follower
from techbridge.search.backends import IndexDoc, get_backend
from techbridge.text import add_words, tokenise_for_index

logger = logging.getLogger(__name__)


# --- record -> document --------------------------------------------------------------------


# A Han word long enough to have two-character pieces of its own.
_LONG_HAN_WORD = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{3,}")


def _pieces(stream: Sequence[str]) -> list[str]:
    extra: list[str] = []
    seen = set(stream)
    for token in stream:
        if len(token) >= 3 and _LONG_HAN_WORD.fullmatch(token):
            for i in range(len(token) - 1):
                piece = token[i : i + 2]
                if piece not in seen:
                    seen.add(piece)
                    extra.append(piece)
    return extra


def index_tokens(text: str | None) -> list[str]:
    """Tokens of a document field: :func:`tokenise_for_index` plus the two-character pieces
    of longer Han words that jieba's search mode does not emit by itself ("烟气脱硝" also
    gives "脱硝"), so a query for part of an out-of-dictionary compound still finds it. The
    query side does not add these (that would only slow queries down), and a piece is
    never shown to a user as a matched word (``search.ranking.explained_terms``)."""
    tokens = tokenise_for_index(text)
    return tokens + _pieces(tokens)


#: How far ahead jieba's search mode puts a compound after its own sub-words.
_SUBWORD_WINDOW = 6


def whole_words(stream: Sequence[str]) -> list[str]:
    """``tokenise_for_index`` output without the dictionary sub-words its search mode puts
    before a compound ("技术 合同 技术合同" → "技术合同")."""
    out = []
    for i, token in enumerate(stream):
        ahead = stream[i + 1 : i + 1 + _SUBWORD_WINDOW]
        if not any(len(later) > len(token) and token in later for later in ahead):
            out.append(token)
    return out


def pair_tokens(stream: Sequence[str]) -> list[str]:
    """Adjacent tokens of one token stream joined by "~" ("技术合同~认定"): proximity
    evidence as plain terms, so a record holding the query's words next to each other
    outranks one that shares a single common word, without positions in the index. Built
    the same way on both sides (``tokenise_for_index`` order, stop words gone), sub-words
    included: a phrase cut differently in its two contexts still shares some pairs (the
    evaluation's phrase class finds 0.99 of its reports with them, 0.85 without)."""
    return [f"{a}~{b}" for a, b in itertools.pairwise(stream) if a != b]


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
    title = tokenise_for_index(raw["title"])
    summary = tokenise_for_index(raw["summary"])
    keywords: list[str] = []
    pairs = pair_tokens(title)
    for keyword in raw["keywords"]:
        stream = tokenise_for_index(keyword)
        keywords += stream + _pieces(stream)
        pairs += pair_tokens(stream)
    pairs += pair_tokens(summary)
    return IndexDoc(
        kind=raw["kind"],
        id=raw["id"],
        title=" ".join(title + _pieces(title)),
        keywords=" ".join(keywords),
        summary=" ".join(summary + _pieces(summary)),
        pairs=" ".join(dict.fromkeys(pairs)),
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
    from techbridge.codes.selectors import industry_names

    words: list[str] = []
    for label in TechField.labels:
        words.extend(part for part in str(label).replace("、", "和").split("和") if part)
    words.extend(industry_names(limit=5000))
    for kind in KINDS:
        rows = public_queryset(kind).order_by("-published_at").values_list("keywords", flat=True)
        for keywords in rows[:KEYWORDS_PER_KIND]:
            words.extend(str(k) for k in (keywords or []) if 2 <= len(str(k)) <= 12)
    return words


# --- the change log ------------------------------------------------------------------------

_suspended = {"depth": 0}
_suspended_lock = threading.Lock()


def index_on_commit(kind: str, pk: int) -> None:
    """Log that record ``pk`` of ``kind`` changed, IN the caller's transaction (a rolled-back
    change logs nothing, a committed one survives a crash); after commit every node's
    index re-reads it from the public records: indexed if public, removed otherwise."""
    if _suspended["depth"]:
        return
    changelog.record_change(kind, pk)
    follower.on_commit()


def remove_on_commit(kind: str, pk: int) -> None:
    """Log that record ``pk`` of ``kind`` left the catalogue (kept if, by the time a node
    applies the change, it is public again — the database decides)."""
    index_on_commit(kind, pk)


def index_many_on_commit(kind: str, pks: Iterable[int]) -> None:
    """:func:`index_on_commit` for many records in one statement (imports)."""
    if _suspended["depth"]:
        return
    if changelog.record_changes(kind, sorted({int(pk) for pk in pks})):
        follower.on_commit()


@contextmanager
def suspended() -> Iterator[None]:
    """Log nothing inside the block (bulk loads that end with a ``reindex``)."""
    with _suspended_lock:
        _suspended["depth"] += 1
    try:
        yield
    finally:
        with _suspended_lock:
            _suspended["depth"] -= 1


def flush(timeout: float = 60.0) -> bool:
    """Bring this node's index up to the change log as it is now; True when caught up."""
    return follower.flush(timeout=timeout)


def sync_records(kind: str, pks: Iterable[int]) -> tuple[int, int]:
    """Index the public ones among ``pks`` now and remove the others; (indexed, removed)."""
    return apply_changes({kind: {int(pk) for pk in pks}})


def apply_changes(changes: dict[str, set[int]]) -> tuple[int, int]:
    """Index the public records among ``changes`` (kind → ids) and remove the others, in
    one index commit; (indexed, removed)."""
    changes = {kind: ids for kind, ids in changes.items() if ids}
    if not changes:
        return (0, 0)
    ensure_dictionary()
    docs: list[IndexDoc] = []
    removals: dict[str, Iterable[int]] = {}
    removed = 0
    for kind, pks in changes.items():
        found = [document_for(r) for r in public_records(kind, pks) if r.is_public]
        docs.extend(found)
        gone = pks - {d.id for d in found}
        removals[kind], removed = gone, removed + len(gone)
    get_backend().sync(docs, removals)
    return (len(docs), removed)


# --- whole-index operations ----------------------------------------------------------------


def all_kinds() -> list[str]:
    from techbridge.catalogue.kinds import KINDS

    return list(KINDS)


def public_count(kind: str) -> int:
    from techbridge.catalogue.selectors import public_queryset

    return public_queryset(kind).count()


def rebuild(kinds: Sequence[str] | None = None, *, progress: Any = None, workers: int = 1) -> int:
    """Rebuild the index of ``kinds`` (all if None) from the public records; searches keep
    answering from the old index meanwhile. A full rebuild is a new generation that
    carries the log position it was read at (changes after it are applied by the
    follower); one kind is rebuilt in place and its changes logged meanwhile re-applied.
    ``progress(n)`` is called per document; ``workers`` > 1 tokenises in that many forked
    processes (the database is read here only). Returns the count."""
    ensure_dictionary()  # before forking, so workers segment with the same dictionary
    names = list(kinds) if kinds else all_kinds()
    # Read BEFORE the records: every change up to here is in what the rebuild reads.
    cursor = changelog.fresh_cursor()

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
            docs: Iterator[IndexDoc] = _pooled(pool, stream())
            count = backend.rebuild(docs, kinds=target, cursor=cursor.as_dict())
    else:
        docs = map(document_from_raw, stream())
        count = backend.rebuild(docs, kinds=target, cursor=cursor.as_dict())
    if target is not None:
        catch_up(names, since_change=cursor.high)
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


def catch_up(kinds: Sequence[str], *, since_change: int) -> None:
    """After an in-place rebuild: re-sync the records of ``kinds`` logged after change
    ``since_change`` (the follower may have applied them before the rebuild's single
    commit replaced them with what it had read) and every id where database and index
    disagree."""
    from techbridge.search.models import IndexChange

    for kind in kinds:
        logged = IndexChange.objects.filter(kind=kind, id__gt=since_change)
        changed = set(logged.values_list("record_pk", flat=True))
        missing, extra = differences(kind)
        sync_records(kind, changed | missing | extra)


def differences(kind: str) -> tuple[set[int], set[int]]:
    """(public in the database but not indexed, indexed but not public) for ``kind``."""
    from techbridge.catalogue.selectors import public_queryset

    in_db = set(public_queryset(kind).values_list("pk", flat=True))
    in_index = get_backend().all_ids(kind)
    return (in_db - in_index, in_index - in_db)


def reset_index() -> None:
    """Empty the index, keeping its cursor (tests: an index that lost its documents)."""
    get_backend().clear()


def check(*, fix: bool = False) -> dict[str, Any]:
    """This node's index against the database after applying the log: differences per
    kind (re-synced when ``fix``), the node's cursor and its lag."""
    flushed = flush(timeout=30.0)
    kinds: dict[str, dict[str, list[int]]] = {}
    fixed = 0
    for kind in all_kinds():
        missing, extra = differences(kind)
        if missing or extra:
            kinds[kind] = {"missing": sorted(missing), "extra": sorted(extra)}
            if fix:
                sync_records(kind, missing | extra)
                fixed += len(missing) + len(extra)
    return {**follower.status(), "flushed": flushed, "differences": kinds, "fixed": fixed}


def check_and_repair() -> dict[str, Any]:
    """The nightly check (scheduled job ``search.index_check``): apply the log, re-sync any
    id where this node's index and the database disagree, prune the log. Returns the
    report of :func:`check` plus ``pruned``; logs a warning when something was fixed."""
    report = check(fix=True)
    report["pruned"] = changelog.prune()
    if report["fixed"]:
        logger.warning(
            "search: index-check fixed %d differences on %s", report["fixed"], report["node"]
        )
    return report
