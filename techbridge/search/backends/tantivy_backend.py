"""The embedded default backend: tantivy (a Lucene-like engine in Rust), one index on disk.

Layout under SEARCH_INDEX_DIR: ``CURRENT`` names the live generation directory
(``gen-<time>``). A full rebuild writes a new generation while searches keep reading the
old one, then replaces ``CURRENT`` atomically (os.replace); every process notices the new
name on its next call and reopens. Text fields hold our own tokens joined by spaces and
are split by tantivy's ``whitespace`` tokenizer, so the engine never segments Chinese
itself and queries meet exactly the words the index holds.

Concurrency: tantivy allows one IndexWriter per index directory across all processes (a
lock file). We open a writer only for the duration of one batch (opening costs ~1 ms) and
retry briefly when another process holds it, so web workers, the background flusher and
the CLI can all write. Readers reload after our own commits at once, and after other
processes' commits within ~0.5 s (tantivy watches meta.json).

Following the change log (ADR 0008): ``cursor-<generation>.json`` beside the generation
says which changes that generation holds, and ``FOLLOWER.lock`` (an exclusive ``flock``)
elects the one process of this node that applies the log; the others only read.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy

from techbridge.search.backends.base import Filters, Hit, IndexDoc, SearchBackend, SearchResult

logger = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "keywords", "summary")
PAIRS = "pairs"
#: Version of the schema below, written into each generation (SCHEMA_FILE). A generation of
#: an older version has no cursor as far as the follower is concerned, so every node
#: rebuilds into the current schema by itself (ADR 0008) and answers from the old files,
#: without what they lack, meanwhile. 2: the ``pairs`` field (issue 13).
SCHEMA_VERSION = 2
SCHEMA_FILE = "techbridge-schema"
DEFAULT_BOOSTS = {"title": 3.0, "keywords": 2.0, "summary": 1.0}
WRITER_HEAP = 64_000_000
REBUILD_HEAP = 400_000_000
LOCK_WAIT_SECONDS = 30.0


def region_prefixes(code: str) -> list[str]:
    """ "520102" -> ["52", "5201", "520102"]: indexed so a prefix filter is one term lookup."""
    code = (code or "").strip()
    if not code:
        return []
    return sorted({code[:2], code[:4], code})


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("uid", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("kind", stored=True, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    for name in TEXT_FIELDS:
        sb.add_text_field(name, stored=True, tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field(
        "technical_field", stored=True, fast=True, tokenizer_name="raw", index_option="basic"
    )
    sb.add_text_field("region", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("region_code", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("industry_code", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_unsigned_field("owner_id", stored=True, indexed=True, fast=True)
    sb.add_unsigned_field("trl", stored=True, fast=True)
    sb.add_integer_field("published_at", stored=True, fast=True)
    sb.add_boolean_field("published", stored=True, indexed=True, fast=True)
    # Last, so the field ids of version 1 stay valid for queries on a version-1 index.
    sb.add_text_field(PAIRS, stored=False, tokenizer_name="whitespace", index_option="basic")
    return sb.build()


def _document(doc: IndexDoc, *, pairs: bool = True) -> tantivy.Document:
    d = tantivy.Document()
    d.add_text("uid", f"{doc.kind}:{doc.id}")
    d.add_text("kind", doc.kind)
    d.add_unsigned("id", int(doc.id))
    for name in TEXT_FIELDS:
        value = getattr(doc, name)
        d.add_text(name, value if isinstance(value, str) else " ".join(value))
    d.add_text("technical_field", doc.technical_field or "")
    for prefix in region_prefixes(doc.region_code):
        d.add_text("region", prefix)
    d.add_text("region_code", doc.region_code or "")
    d.add_text("industry_code", doc.industry_code or "")
    d.add_unsigned("owner_id", int(doc.owner_id or 0))
    d.add_unsigned("trl", int(doc.trl or 0))
    d.add_integer("published_at", int(doc.published_at or 0))
    d.add_boolean("published", bool(doc.published))
    if pairs:
        value = doc.pairs
        d.add_text(PAIRS, value if isinstance(value, str) else " ".join(value))
    return d


def _count(result: Any) -> int:
    """The match count of a search made with count=True (missing from tantivy's stubs)."""
    return int(getattr(result, "count", 0) or 0)


def _first(values: dict[str, list[Any]], name: str, default: Any = "") -> Any:
    found = values.get(name)
    return found[0] if found else default


class TantivyBackend(SearchBackend):
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.schema = _schema()
        self._lock = threading.RLock()  # guards the open index and the writer
        self._index: tantivy.Index | None = None
        self._generation = ""
        self._current_stat: tuple[int, int] | None = None
        self._version = SCHEMA_VERSION
        self._follower_fd: int | None = None
        self._follower_pid = 0

    # --- generations ------------------------------------------------------------------

    def _current_file(self) -> Path:
        return self.root / "CURRENT"

    def _read_current(self) -> str:
        try:
            return self._current_file().read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return ""

    def _write_current(self, generation: str) -> None:
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        tmp.write_text(generation, encoding="ascii")
        os.replace(tmp, self._current_file())

    def _new_generation(self) -> str:
        name = f"gen-{time.time_ns()}"
        (self.root / name).mkdir(parents=True)
        (self.root / name / SCHEMA_FILE).write_text(str(SCHEMA_VERSION), encoding="ascii")
        return name

    def _version_of(self, generation: str) -> int:
        try:
            return int((self.root / generation / SCHEMA_FILE).read_text(encoding="ascii"))
        except (FileNotFoundError, ValueError):
            return 1

    def _stat_current(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self._current_file())
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def _open(self) -> tantivy.Index:
        """The live index, reopened when another process swapped in a new generation."""
        stat = self._stat_current()
        if self._index is not None and stat == self._current_stat:
            return self._index
        with self._lock:
            stat = self._stat_current()
            if self._index is not None and stat == self._current_stat:
                return self._index
            self.root.mkdir(parents=True, exist_ok=True)
            generation = self._read_current()
            if not generation or not (self.root / generation).exists():
                generation = self._new_generation()
                tantivy.Index(self.schema, path=str(self.root / generation))
                self._write_current(generation)
                stat = self._stat_current()
            self._index = tantivy.Index.open(str(self.root / generation))
            self._version = self._version_of(generation)
            self._generation = generation
            self._current_stat = stat
            return self._index

    @contextmanager
    def _writer(self, index: tantivy.Index, heap: int = WRITER_HEAP) -> Iterator[Any]:
        """A writer for one batch: retried while another process holds the lock, committed
        on success, rolled back on error, released (the lock file) either way."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        delay = 0.01
        while True:
            try:
                writer = index.writer(heap_size=heap, num_threads=1)
                break
            except ValueError as exc:
                if "LockBusy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
        try:
            yield writer
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        finally:
            del writer
        index.reload()

    # --- the follower's state -------------------------------------------------------

    def generation(self) -> str:
        with self._lock:
            self._open()
            return self._generation

    def _cursor_file(self, generation: str) -> Path:
        return self.root / f"cursor-{generation}.json"

    def load_cursor(self, generation: str) -> dict[str, Any] | None:
        if self._version_of(generation) < SCHEMA_VERSION:
            return None  # an older schema: the follower rebuilds into the current one
        try:
            data = json.loads(self._cursor_file(generation).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def save_cursor(self, generation: str, data: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f"cursor-{generation}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self._cursor_file(generation))

    def acquire_follower_lock(self) -> bool:
        # flock belongs to the open file: a forked child must take its own.
        if self._follower_fd is not None and self._follower_pid == os.getpid():
            return True
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / "FOLLOWER.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._follower_fd, self._follower_pid = fd, os.getpid()
        return True

    def release_follower_lock(self) -> None:
        fd, self._follower_fd = self._follower_fd, None
        if fd is not None and self._follower_pid == os.getpid():
            os.close(fd)  # closing the only descriptor releases the flock

    # --- writes -----------------------------------------------------------------------

    def index(self, docs: Iterable[IndexDoc]) -> int:
        docs = list(docs)
        if not docs:
            return 0
        with self._lock:
            index = self._open()
            with self._writer(index) as writer:
                for doc in docs:
                    writer.delete_documents_by_term("uid", f"{doc.kind}:{doc.id}")
                    writer.add_document(_document(doc, pairs=self._pairs()))
        return len(docs)

    def sync(self, docs: Iterable[IndexDoc], removals: dict[str, Iterable[int]]) -> None:
        docs = list(docs)
        gone = [(kind, int(pk)) for kind, ids in removals.items() for pk in ids]
        if not docs and not gone:
            return
        with self._lock:
            index = self._open()
            with self._writer(index) as writer:
                for doc in docs:
                    writer.delete_documents_by_term("uid", f"{doc.kind}:{doc.id}")
                    writer.add_document(_document(doc, pairs=self._pairs()))
                for kind, pk in gone:
                    writer.delete_documents_by_term("uid", f"{kind}:{pk}")

    def _pairs(self) -> bool:
        """Whether the open generation has the ``pairs`` field (schema version 2+)."""
        return self._version >= 2

    def remove(self, kind: str, ids: Iterable[int]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self._lock:
            index = self._open()
            with self._writer(index) as writer:
                for pk in ids:
                    writer.delete_documents_by_term("uid", f"{kind}:{int(pk)}")

    def clear(self, kind: str | None = None) -> None:
        with self._lock:
            index = self._open()
            with self._writer(index) as writer:
                if kind is None:
                    writer.delete_all_documents()
                else:
                    writer.delete_documents_by_term("kind", kind)

    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        *,
        kinds: Sequence[str] | None = None,
        cursor: dict[str, Any] | None = None,
        heap: int = REBUILD_HEAP,
    ) -> int:
        count = 0
        if kinds is not None:
            # One kind: in place under one writer; searchers see the old documents until
            # the single commit at the end.
            with self._lock:
                index = self._open()
                with self._writer(index, heap=heap) as writer:
                    for kind in kinds:
                        writer.delete_documents_by_term("kind", kind)
                    for doc in docs:
                        writer.add_document(_document(doc, pairs=self._pairs()))
                        count += 1
            return count
        # Everything: a new generation, swapped in when complete.
        self.root.mkdir(parents=True, exist_ok=True)
        generation = self._new_generation()
        index = tantivy.Index(self.schema, path=str(self.root / generation))
        with self._writer(index, heap=heap) as writer:
            for doc in docs:
                writer.add_document(_document(doc))
                count += 1
        if cursor is not None:
            self.save_cursor(generation, cursor)
        with self._lock:
            previous = self._generation or self._read_current()
            self._write_current(generation)
            self._index = None
            self._open()
        self._collect_generations(keep={generation, previous})
        return count

    def _collect_generations(self, keep: set[str]) -> None:
        """Delete old generations, keeping the live one and its predecessor (a process that
        has not yet noticed the swap may still read it; on POSIX its open files survive)."""
        for path in self.root.glob("gen-*"):
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
        for path in self.root.glob("cursor-gen-*.json"):
            if path.name[len("cursor-") : -len(".json")] not in keep:
                path.unlink(missing_ok=True)

    # --- reads ------------------------------------------------------------------------

    def _filter_clauses(self, filters: Filters | None) -> list[tuple[Any, Any]]:
        Q, occur, schema = tantivy.Query, tantivy.Occur, self.schema
        clauses: list[tuple[Any, Any]] = []
        if filters is None:
            return clauses
        if filters.kinds:
            # One kind: a plain term query (a term-set query costs twice as much here).
            if len(filters.kinds) == 1:
                q = Q.term_query(schema, "kind", filters.kinds[0])
            else:
                q = Q.term_set_query(schema, "kind", list(filters.kinds))
            clauses.append((occur.Must, Q.const_score_query(q, 0.0)))
        if filters.technical_field:
            q = Q.term_query(schema, "technical_field", filters.technical_field)
            clauses.append((occur.Must, Q.const_score_query(q, 0.0)))
        if filters.region_prefix:
            q = Q.term_query(schema, "region", filters.region_prefix)
            clauses.append((occur.Must, Q.const_score_query(q, 0.0)))
        for kind, pk in filters.exclude:
            clauses.append((occur.MustNot, Q.term_query(schema, "uid", f"{kind}:{pk}")))
        return clauses

    def _text_query(
        self,
        tokens: Sequence[str],
        boosts: dict[str, float],
        weights: Mapping[str, float] | None,
        pairs: Sequence[str],
        pair_boost: float,
        searcher: Any,
    ) -> Any:
        Q, schema = tantivy.Query, self.schema
        should = []
        for token in dict.fromkeys(tokens):
            weight = 1.0 if weights is None else float(weights.get(token, 1.0))
            if weight <= 0:
                continue
            for name in TEXT_FIELDS:
                boost = boosts.get(name, 0.0) * weight
                if boost > 0:
                    q = Q.term_query(schema, name, token)
                    should.append((tantivy.Occur.Should, Q.boost_query(q, boost)))
        if pairs and pair_boost > 0 and self._pairs():
            total = max(int(searcher.num_docs), 1)
            for pair in dict.fromkeys(pairs):
                df = int(searcher.doc_freq(PAIRS, pair))
                if not df:
                    continue
                idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
                q = Q.const_score_query(Q.term_query(schema, PAIRS, pair), pair_boost * idf)
                should.append((tantivy.Occur.Should, q))
        return Q.boolean_query(should)

    def search(
        self,
        tokens: Sequence[str],
        *,
        filters: Filters | None = None,
        limit: int = 10,
        boosts: dict[str, float] | None = None,
        facets: bool = False,
        weights: Mapping[str, float] | None = None,
        pairs: Sequence[str] = (),
        pair_boost: float = 0.0,
        offset: int = 0,
    ) -> SearchResult:
        tokens = [t for t in dict.fromkeys(tokens) if t]
        if not tokens or limit <= 0:
            return SearchResult(hits=[], total=0)
        index = self._open()
        boosts = boosts or DEFAULT_BOOSTS
        searcher = index.searcher()
        text = self._text_query(tokens, boosts, weights, pairs, pair_boost, searcher)
        clauses = [(tantivy.Occur.Must, text)]
        clauses += self._filter_clauses(filters)
        query = tantivy.Query.boolean_query(clauses)
        # tantivy collects the best offset + limit and returns the last ``limit`` of them:
        # a deep page costs a larger top-k heap, never a re-scan, so callers cap the depth.
        result = searcher.search(query, limit, count=True, offset=max(0, int(offset)))
        wanted = set(tokens)
        hits = []
        for score, address in result.hits:
            values = searcher.doc(address).to_dict()
            fields = {}
            present: set[str] = set()
            for name in TEXT_FIELDS:
                text_value = _first(values, name)
                fields[name] = text_value.split(" ") if text_value else []
                present.update(fields[name])
            hits.append(
                Hit(
                    kind=_first(values, "kind"),
                    id=int(_first(values, "id", 0)),
                    score=float(score),
                    matched_terms=[t for t in tokens if t in present and t in wanted],
                    technical_field=_first(values, "technical_field"),
                    region_code=_first(values, "region_code"),
                    industry_code=_first(values, "industry_code"),
                    trl=int(_first(values, "trl", 0)),
                    published_at=int(_first(values, "published_at", 0)),
                    fields=fields,
                )
            )
        out = SearchResult(hits=hits, total=_count(result))
        if facets:
            out.facets = self._facets(searcher, query)
        return out

    def _facets(self, searcher: Any, query: Any) -> dict[str, dict[str, int]]:
        spec = {
            "kind": {"terms": {"field": "kind", "size": 20}},
            "technical_field": {"terms": {"field": "technical_field", "size": 20}},
        }
        raw = searcher.aggregate(query, spec)
        return {
            name: {b["key"]: int(b["doc_count"]) for b in raw[name]["buckets"] if b["key"]}
            for name in spec
        }

    def _address(self, searcher: Any, kind: str, pk: int) -> Any:
        q = tantivy.Query.term_query(self.schema, "uid", f"{kind}:{int(pk)}")
        result = searcher.search(q, 1, count=False)
        return result.hits[0][1] if result.hits else None

    def document_tokens(self, kind: str, id: int) -> dict[str, list[str]] | None:
        searcher = self._open().searcher()
        address = self._address(searcher, kind, id)
        if address is None:
            return None
        values = searcher.doc(address).to_dict()
        return {name: [t for t in _first(values, name).split(" ") if t] for name in TEXT_FIELDS}

    def sample_documents(
        self, limit: int, *, seed: int = 7
    ) -> Iterator[tuple[str, int, dict[str, list[str]]]]:
        import random

        searcher = self._open().searcher()
        total = int(searcher.num_docs)
        if not total:
            return
        addresses = [a for _, a in searcher.search(tantivy.Query.all_query(), total).hits]
        if len(addresses) > limit:
            addresses = random.Random(seed).sample(addresses, limit)
        for address in addresses:
            values = searcher.doc(address).to_dict()
            fields = {
                name: [t for t in _first(values, name).split(" ") if t] for name in TEXT_FIELDS
            }
            yield _first(values, "kind"), int(_first(values, "id", 0)), fields

    def doc_freq(self, token: str) -> int:
        return self.doc_freqs([token])[token]

    def doc_freqs(self, tokens: Iterable[str]) -> dict[str, int]:
        # One searcher for all of a query's words (opening one costs a stat of the index).
        searcher = self._open().searcher()
        return {t: sum(searcher.doc_freq(name, t) for name in TEXT_FIELDS) for t in tokens}

    def count(self, kind: str | None = None) -> int:
        searcher = self._open().searcher()
        if kind is None:
            return int(searcher.num_docs)
        q = tantivy.Query.term_query(self.schema, "kind", kind)
        return _count(searcher.search(q, 1, count=True))

    def all_ids(self, kind: str) -> set[int]:
        searcher = self._open().searcher()
        q = tantivy.Query.term_query(self.schema, "kind", kind)
        total = _count(searcher.search(q, 1, count=True))
        if not total:
            return set()
        hits = searcher.search(q, total, count=False).hits
        values = searcher.fast_field_values("id", [address for _, address in hits])
        return {int(v) for v in values if v is not None}

    def close(self) -> None:
        with self._lock:
            self._index = None
            self._current_stat = None
        self.release_follower_lock()
