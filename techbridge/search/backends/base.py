"""The search backend interface: what the rest of techbridge may ask of a search engine.

Documents arrive PRE-TOKENISED (techbridge.text.tokenise_for_index on the record side,
techbridge.text.tokenise on the query side), so every backend sees the same words and
Chinese works without an engine-specific analyser. A backend indexes, removes, searches
with filters and field boosts, finds more-like-this, counts and lists ids for index-check.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IndexDoc:
    """One record as the index sees it: tokens for text, codes for filters and signals."""

    kind: str
    id: int
    # Tokens as a list, or already joined by single spaces (cheaper to pass between
    # processes: one string instead of hundreds).
    title: Sequence[str] | str
    keywords: Sequence[str] | str
    summary: Sequence[str] | str
    technical_field: str = ""
    # Adjacent-token pairs of the text fields ("a~b", search.indexing.pair_tokens): matched
    # as whole terms, never shown; "" where the document has none.
    pairs: Sequence[str] | str = ""
    region_code: str = ""
    industry_code: str = ""
    owner_id: int = 0
    trl: int = 0  # 0 = unknown
    published_at: int = 0  # Unix seconds, 0 = unknown
    published: bool = True


@dataclass(frozen=True)
class Filters:
    """Restrictions on a search; empty values mean "no restriction"."""

    kinds: tuple[str, ...] = ()
    technical_field: str = ""
    region_prefix: str = ""  # GB/T 2260 prefix: "52" (province), "5201" (city) or a full code
    exclude: tuple[tuple[str, int], ...] = ()  # (kind, id) pairs left out (more-like-this)


@dataclass
class Hit:
    """A search hit: the record's key, its engine score, and the facts needed to explain it."""

    kind: str
    id: int
    score: float
    matched_terms: list[str] = field(default_factory=list)
    technical_field: str = ""
    region_code: str = ""
    industry_code: str = ""
    trl: int = 0
    published_at: int = 0
    # The indexed tokens per text field (title, keywords, summary), for re-ranking.
    fields: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class SearchBackend(ABC):
    """A search engine behind techbridge. Implementations must be safe to share between
    threads of one process; several processes may open the same index."""

    @abstractmethod
    def index(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents (keyed by kind and id); commit; return how many."""

    @abstractmethod
    def remove(self, kind: str, ids: Iterable[int]) -> None:
        """Remove documents of ``kind`` with these ids (absent ones are ignored); commit."""

    def sync(self, docs: Iterable[IndexDoc], removals: dict[str, Iterable[int]]) -> None:
        """Index ``docs`` and remove ``removals`` (kind → ids) — in one commit where the
        engine allows it (the default makes two)."""
        self.index(docs)
        for kind, ids in removals.items():
            self.remove(kind, ids)

    @abstractmethod
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
        """OR-search ``tokens`` (already tokenised) in title, keywords and summary with
        ``boosts`` per field and ``weights`` per token (default 1); BM25 scores. Each of
        ``pairs`` a document holds adds ``pair_boost`` × the pair's idf whatever the
        document's length (proximity evidence; ignored by an index without pairs). Hits
        best first, with their matched terms and stored tokens (``Hit.fields``): the
        ``limit`` hits after the best ``offset`` ones (a later page of the same ranking);
        ``total`` counts every match whatever the offset."""

    @abstractmethod
    def document_tokens(self, kind: str, id: int) -> dict[str, list[str]] | None:
        """The indexed tokens of one document per field, or None if it is not indexed."""

    def sample_documents(
        self, limit: int, *, seed: int = 7
    ) -> Iterator[tuple[str, int, dict[str, list[str]]]]:
        """(kind, id, text fields) of up to ``limit`` indexed documents chosen at random (for
        models trained on the corpus, e.g. matching.topics). Engines may override this with
        something faster than one lookup per document."""
        import random

        from techbridge.search.indexing import all_kinds

        keys = [(kind, pk) for kind in all_kinds() for pk in sorted(self.all_ids(kind))]
        if len(keys) > limit:
            keys = random.Random(seed).sample(keys, limit)
        for kind, pk in keys:
            fields = self.document_tokens(kind, pk)
            if fields is not None:
                yield kind, pk, fields

    @abstractmethod
    def doc_freq(self, token: str) -> int:
        """How many documents contain ``token`` in any text field (for term selection)."""

    def doc_freqs(self, tokens: Iterable[str]) -> dict[str, int]:
        """:meth:`doc_freq` of each of ``tokens`` (a backend may answer them at once)."""
        return {token: self.doc_freq(token) for token in tokens}

    @abstractmethod
    def count(self, kind: str | None = None) -> int:
        """Number of documents, optionally of one kind."""

    @abstractmethod
    def all_ids(self, kind: str) -> set[int]:
        """Ids of every indexed document of ``kind`` (for index-check)."""

    @abstractmethod
    def clear(self, kind: str | None = None) -> None:
        """Remove every document (of ``kind``)."""

    @abstractmethod
    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        *,
        kinds: Sequence[str] | None = None,
        cursor: dict[str, Any] | None = None,
    ) -> int:
        """Replace the documents of ``kinds`` (all kinds if None) by ``docs`` while searches
        keep answering from the old state until the new one is complete; return the count.
        ``cursor`` (a full rebuild) is stored with the new state before it goes live, so a
        follower never sees the new documents without the log position they stand for."""

    # --- following the change log (ADR 0008) -----------------------------------------
    # A per-node engine keeps one cursor per generation of its own files; a shared engine
    # (OpenSearch) keeps ONE cursor next to its documents (e.g. in the alias' metadata or a
    # document of its own) and elects its single follower with a cluster-wide lock.

    def generation(self) -> str:
        """The name of the live state the cursor belongs to (a rebuild starts a new one)."""
        return ""

    def load_cursor(self, generation: str) -> dict[str, Any] | None:
        """The stored cursor of ``generation``, or None (a new or rebuilt-elsewhere index)."""
        raise NotImplementedError

    def save_cursor(self, generation: str, data: dict[str, Any]) -> None:
        """Store the cursor of ``generation`` (atomically: a crash keeps the old one)."""
        raise NotImplementedError

    def acquire_follower_lock(self) -> bool:
        """True if this process is (now) the one follower of this index; never blocks."""
        return True

    def release_follower_lock(self) -> None:  # noqa: B027 - optional hook
        """Give up following (tests, shutdown)."""

    def more_like_this(
        self,
        kind: str,
        id: int,
        *,
        filters: Filters | None = None,
        limit: int = 10,
        max_terms: int = 25,
        boosts: dict[str, float] | None = None,
    ) -> SearchResult:
        """Documents similar to an indexed one: its most distinctive terms, OR-searched."""
        fields = self.document_tokens(kind, id)
        if fields is None:
            return SearchResult(hits=[], total=0)
        tokens = select_terms(self, fields, max_terms=max_terms)
        base = filters or Filters()
        excluded = Filters(
            kinds=base.kinds,
            technical_field=base.technical_field,
            region_prefix=base.region_prefix,
            exclude=(*base.exclude, (kind, id)),
        )
        return self.search(tokens, filters=excluded, limit=limit, boosts=boosts)

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files and locks (tests, index swaps)."""


def select_terms(
    backend: SearchBackend, fields: dict[str, list[str]], *, max_terms: int = 25
) -> list[str]:
    """The ``max_terms`` most distinctive tokens of a document (tf × idf, title and keywords
    counted double), so a long summary does not turn into a slow 300-term query."""
    import math

    weight = {"title": 2.0, "keywords": 2.0, "summary": 1.0}
    tf: dict[str, float] = {}
    for name, tokens in fields.items():
        for token in tokens:
            tf[token] = tf.get(token, 0.0) + weight.get(name, 1.0)
    if len(tf) <= max_terms:
        return list(tf)
    total = max(backend.count(), 1)
    scored = []
    for token, freq in tf.items():
        df = backend.doc_freq(token)
        scored.append((freq * math.log(1 + total / (1 + df)), token))
    scored.sort(reverse=True)
    return [token for _, token in scored[:max_terms]]
