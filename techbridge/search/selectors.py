"""Search as the rest of techbridge sees it: text in, visible records with explanations out.

The index holds only public records and their public text; every hit is checked against
the catalogue's public records again before it is shown (an index a moment behind the
database must not resurrect a withdrawn record).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from techbridge.search import follower
from techbridge.search import weights as W
from techbridge.search.backends import Filters, Hit, get_backend
from techbridge.search.indexing import ensure_dictionary
from techbridge.search.ranking import Plan, explained_terms, plan
from techbridge.text import is_meaningful, tokenise_for_index

MAX_QUERY_CHARS = 500
MAX_MATCH_CHARS = 5000
MAX_QUERY_TOKENS = 64
MAX_LIMIT = 100
#: How deep anyone may page into one ranking (offset + limit): tantivy keeps a top-k heap of
#: offset + limit hits per query, so depth costs memory and time; past it, refine the query.
MAX_DEPTH = 1000


def _query_stream(text: str, max_chars: int) -> list[str]:
    text = text or ""
    if len(text) > max_chars:
        raise ValidationError(
            {"q": [_("The query is too long (at most %(n)d characters).") % {"n": max_chars}]}
        )
    if not is_meaningful(text):
        return []
    follower.start()  # a process that answers searches keeps its node's index following
    ensure_dictionary()
    # Index-mode tokens on both sides: the compound and its sub-words, so a query still
    # meets a record indexed before a word entered the dictionary (and the other way).
    return tokenise_for_index(text)


def query_tokens(text: str, *, max_chars: int = MAX_QUERY_CHARS) -> list[str]:
    """Tokens to search for, or [] when the text carries no information. Operators mean
    nothing: quotes, colons, brackets, OR, AND and "-" are plain text (tokenised like any
    other). Raises ValidationError for text longer than ``max_chars``."""
    tokens = []
    for token in dict.fromkeys(_query_stream(text, max_chars)):
        if len(token) == 1 and token.isascii():
            continue  # a lone Latin letter or digit matches everything and nothing
        tokens.append(token)
    return tokens[:MAX_QUERY_TOKENS]


def query_plan(
    text: str, *, max_chars: int = MAX_QUERY_CHARS, max_terms: int = MAX_QUERY_TOKENS
) -> Plan:
    """The weighted words and adjacent-word pairs to search for (``search.ranking``); an
    empty plan when the text carries no information. ValidationError past ``max_chars``."""
    stream = _query_stream(text, max_chars)
    if not stream:
        return Plan(tokens=[])
    chunks = [tokenise_for_index(chunk) for chunk in (text or "").split()]
    if len(chunks) < 2:
        return plan([stream], backend=get_backend(), max_terms=max_terms)
    # The user's own spaces: normalisation joins "大叶女贞 苗木" into one run (so that
    # pre-segmented text meets unsegmented text) and the run may be cut as "大叶女贞苗木";
    # the words as typed count too, and no pair spans a space the user typed.
    seen = set(stream)
    extra = [t for chunk in chunks for t in chunk if t not in seen]
    return plan(
        [stream, *[[t] for t in dict.fromkeys(extra)]],
        backend=get_backend(),
        max_terms=max_terms,
        pair_streams=chunks,
    )


def region_filter(region: str) -> str:
    """A GB/T 2260 code or prefix as the index's region prefix: 520000 → "52" (province),
    520100 → "5201" (city), 520102 → "520102"; "" when it is not a region code."""
    digits = "".join(ch for ch in (region or "") if ch.isdigit())[:6]
    if len(digits) == 6:
        if digits.endswith("0000"):
            return digits[:2]
        if digits.endswith("00"):
            return digits[:4]
        return digits
    return digits if len(digits) in (2, 4) else ""


@dataclass
class Result:
    """One visible search or match result."""

    kind: str
    id: int
    external_id: str
    title: str
    url: str
    score: float
    terms: list[str]
    signals: list[dict[str, Any]] = field(default_factory=list)
    record: Any = None

    @property
    def why(self) -> dict[str, Any]:
        return {"terms": self.terms, "signals": self.signals}

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "external_id": self.external_id or "",
            "title": self.title,
            "url": self.url,
            "score": round(self.score, 4),
            "why": self.why,
        }


@dataclass
class SearchPage:
    results: list[Result]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    offset: int = 0


def hydrate(hits: Sequence[Hit]) -> dict[tuple[str, int], Any]:
    """The PUBLIC records behind ``hits`` (one query per kind), keyed by (kind, id)."""
    from techbridge.catalogue.selectors import public_queryset

    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.id)
    found: dict[tuple[str, int], Any] = {}
    for kind, ids in by_kind.items():
        try:
            qs = public_queryset(kind)
        except KeyError:
            continue
        for record in qs.filter(pk__in=ids).select_related("owner").order_by():
            if record.is_public:
                found[(kind, record.pk)] = record
    return found


def record_url(record: Any) -> str:
    """The record's page, or "" while the catalogue does not route that kind."""
    try:
        return str(record.get_absolute_url())
    except NoReverseMatch:
        return ""


def to_results(
    hits: Iterable[Hit],
    signals: dict[tuple[str, int], list[dict[str, Any]]] | None = None,
    scores: dict[tuple[str, int], float] | None = None,
) -> list[Result]:
    hits = list(hits)
    records = hydrate(hits)
    out = []
    for hit in hits:
        record = records.get((hit.kind, hit.id))
        if record is None:
            continue
        key = (hit.kind, hit.id)
        out.append(
            Result(
                kind=hit.kind,
                id=hit.id,
                external_id=record.external_id or "",
                title=record.search_title,
                url=record_url(record),
                score=(scores or {}).get(key, hit.score),
                terms=explained_terms(hit.matched_terms, hit.matched_terms),
                signals=(signals or {}).get(key, [{"name": "text", "points": round(hit.score, 4)}]),
                record=record,
            )
        )
    return out


def search(
    *,
    q: str,
    kinds: Sequence[str] = (),
    technical_field: str = "",
    region: str = "",
    limit: int = 20,
    offset: int = 0,
    facets: bool = False,
) -> SearchPage:
    """Published records matching ``q``, best first, with matched terms; optional facet
    counts per kind and technical field. ``offset`` skips that many of the ranking (a later
    page); offset + limit stops at ``MAX_DEPTH``, while ``total`` still counts every match.
    Anyone may call this: only public records and their public text are in the index."""
    from techbridge.catalogue.kinds import KINDS

    query = query_plan(q, max_terms=W.MAX_SEARCH_TERMS)
    limit = max(1, min(int(limit or 20), MAX_LIMIT))
    offset = max(0, min(int(offset or 0), MAX_DEPTH - 1))
    limit = min(limit, MAX_DEPTH - offset)
    kinds = tuple(k for k in kinds if k in KINDS)
    region = region_filter(region)
    if not query:
        return SearchPage(results=[], total=0, offset=offset)
    found = get_backend().search(
        query.tokens,
        filters=Filters(kinds=kinds, technical_field=technical_field or "", region_prefix=region),
        limit=limit,
        boosts=W.FIELD_BOOSTS,
        facets=facets,
        weights=query.weights,
        pairs=query.pairs,
        pair_boost=W.PAIR_BOOST,
        offset=offset,
    )
    return SearchPage(
        results=to_results(found.hits),
        total=found.total,
        facets=found.facets,
        tokens=query.tokens,
        offset=offset,
    )
