"""Supply–demand matching: ranked resources for a demand, open demands for a resource, more
like this for any record, and matches for free text. Weights live in matching/weights.py.

Score = text relevance (BM25 from the search engine with field boosts, scaled) + structured
signals. Every result explains itself: ``why = {"terms": [...], "signals": [{name, points}]}``.
Only public records are candidates (the index holds nothing else, and every candidate is
checked against the database again in search.selectors.hydrate).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from techbridge.matching import weights as W
from techbridge.search.backends import Filters, Hit, get_backend
from techbridge.search.backends.base import select_terms
from techbridge.search.indexing import ensure_dictionary, tokens_of_keywords
from techbridge.search.selectors import MAX_MATCH_CHARS, Result, query_tokens, to_results
from techbridge.text import tokenise_for_index


@dataclass(frozen=True)
class Source:
    """What the structured signals compare a candidate with."""

    kind: str = ""
    technical_field: str = ""
    industry_code: str = ""
    region_code: str = ""


@dataclass
class Matches:
    results: list[Result]  # all kinds together, best first
    by_kind: dict[str, list[Result]]
    tokens: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "results": [r.as_dict() for r in self.results],
            "by_kind": {k: [r.as_dict() for r in v] for k, v in self.by_kind.items()},
        }


def partner_prefixes() -> tuple[str, ...]:
    """GB/T 2260 prefixes of the partner (advanced) region; settings may give a list or a
    comma-separated string in MATCH_PARTNER_REGION_PREFIXES."""
    value = getattr(settings, "MATCH_PARTNER_REGION_PREFIXES", None) or W.DEFAULT_PARTNER_PREFIXES
    if isinstance(value, str):
        value = value.split(",")
    return tuple(p.strip() for p in value if p and p.strip())


def _division(code: str) -> str:
    digits = "".join(ch for ch in code or "" if ch.isdigit())
    return digits[:2]


def signals_for(
    source: Source, hit: Hit, *, now: float, partners: Sequence[str]
) -> list[dict[str, Any]]:
    """The structured signals that count for ``hit`` (text excluded), with their points."""
    out: list[dict[str, Any]] = []
    if source.technical_field and hit.technical_field == source.technical_field:
        out.append({"name": "same_field", "points": W.SAME_FIELD, "value": hit.technical_field})
    a, b = _division(source.industry_code), _division(hit.industry_code)
    if a and a == b:
        out.append({"name": "same_industry", "points": W.SAME_INDUSTRY, "value": hit.industry_code})
    if hit.kind == "achievement" and hit.trl:
        if hit.trl >= W.TRL_FULL:
            out.append({"name": "trl_fit", "points": W.TRL_FIT, "value": hit.trl})
        elif hit.trl >= W.TRL_HALF:
            out.append({"name": "trl_fit", "points": W.TRL_FIT / 2, "value": hit.trl})
    if source.region_code and hit.region_code and partners:
        source_partner = source.region_code.startswith(tuple(partners))
        hit_partner = hit.region_code.startswith(tuple(partners))
        if source_partner != hit_partner:
            out.append(
                {"name": "partner_region", "points": W.PARTNER_REGION, "value": hit.region_code}
            )
    if hit.published_at:
        age_days = max(0.0, (now - hit.published_at) / 86400)
        if age_days < W.RECENCY_DAYS:
            points = round(W.RECENCY * (1 - age_days / W.RECENCY_DAYS), 3)
            if points > 0:
                out.append({"name": "recency", "points": points, "value": int(age_days)})
    return out


def rank(
    tokens: Sequence[str],
    *,
    kinds: Sequence[str],
    source: Source | None = None,
    limit: int = 10,
    exclude: tuple[tuple[str, int], ...] = (),
) -> Matches:
    """Candidates of each of ``kinds`` for ``tokens``, re-ranked by text + signals."""
    source = source or Source()
    limit = max(1, min(int(limit or 10), 100))
    if not tokens:
        return Matches(results=[], by_kind={k: [] for k in kinds}, tokens=[])
    backend = get_backend()
    pool = max(limit * W.POOL_FACTOR, W.POOL_MIN)
    # A kind with no indexed records costs a whole OR-query for nothing; skip it.
    present = [kind for kind in kinds if backend.count(kind)]
    hits_by_kind = {
        kind: backend.search(
            tokens,
            filters=Filters(kinds=(kind,), exclude=exclude),
            limit=pool,
            boosts=W.FIELD_BOOSTS,
        ).hits
        for kind in present
    }
    top = max((h.score for hits in hits_by_kind.values() for h in hits), default=0.0) or 1.0
    now, partners = time.time(), partner_prefixes()
    scores: dict[tuple[str, int], float] = {}
    explained: dict[tuple[str, int], list[dict[str, Any]]] = {}
    chosen: list[Hit] = []
    for hits in hits_by_kind.values():
        ranked = []
        for hit in hits:
            if not hit.matched_terms:
                continue
            text = round(W.TEXT * hit.score / top, 3)
            parts = [
                {"name": "text", "points": text},
                *signals_for(source, hit, now=now, partners=partners),
            ]
            key = (hit.kind, hit.id)
            scores[key] = sum(p["points"] for p in parts)
            explained[key] = parts
            ranked.append(hit)
        ranked.sort(key=lambda h: scores[(h.kind, h.id)], reverse=True)
        chosen.extend(ranked[: limit + 5])  # a few spare in case some are no longer public
    results = to_results(chosen, signals=explained, scores=scores)
    by_kind: dict[str, list[Result]] = {kind: [] for kind in kinds}
    for result in results:
        bucket = by_kind[result.kind]
        if len(bucket) < limit:
            bucket.append(result)
    for bucket in by_kind.values():
        bucket.sort(key=lambda r: r.score, reverse=True)
    combined = sorted((r for b in by_kind.values() for r in b), key=lambda r: r.score, reverse=True)
    return Matches(results=combined[:limit], by_kind=by_kind, tokens=list(tokens))


def record_terms(record: Any) -> list[str]:
    """The most distinctive public terms of a record — its match query."""
    ensure_dictionary()
    fields = {
        "title": tokenise_for_index(record.search_title),
        "keywords": tokens_of_keywords(record.search_keywords),
        "summary": tokenise_for_index(record.search_summary),
    }
    return select_terms(get_backend(), fields, max_terms=W.MAX_QUERY_TERMS)


def source_of(record: Any) -> Source:
    return Source(
        kind=record.KIND,
        technical_field=record.technical_field or "",
        industry_code=record.industry_code or "",
        region_code=record.region_code or "",
    )


def resource_kinds() -> tuple[str, ...]:
    from techbridge.catalogue.kinds import RESOURCE_KINDS

    return RESOURCE_KINDS


def match_text(*, text: str, kinds: Sequence[str] | None = None, limit: int = 10) -> Matches:
    """Public records of ``kinds`` (resources by default) for free text, e.g. a problem an
    enterprise describes before it posts a demand. ValidationError if text > 5000 chars."""
    from techbridge.catalogue.kinds import KINDS

    tokens = query_tokens(text, max_chars=MAX_MATCH_CHARS)
    if len(tokens) > W.MAX_QUERY_TERMS:
        tokens = select_terms(get_backend(), {"summary": tokens}, max_terms=W.MAX_QUERY_TERMS)
    kinds = [k for k in (kinds or resource_kinds()) if k in KINDS]
    return rank(tokens, kinds=kinds, limit=limit)


def match_demand(*, demand: Any, kinds: Sequence[str] | None = None, limit: int = 10) -> Matches:
    """Ranked resources (per kind and combined) for a demand the caller may see."""
    kinds = [k for k in (kinds or resource_kinds()) if k != "demand"]
    return rank(record_terms(demand), kinds=kinds, source=source_of(demand), limit=limit)


def match_resource(*, record: Any, limit: int = 10) -> Matches:
    """Ranked open (published) demands for a resource."""
    return rank(record_terms(record), kinds=["demand"], source=source_of(record), limit=limit)


def more_like_this(*, record: Any, limit: int = 10) -> Matches:
    """Public records of the same kind most like ``record`` (itself excluded)."""
    return rank(
        record_terms(record),
        kinds=[record.KIND],
        source=source_of(record),
        limit=limit,
        exclude=((record.KIND, int(record.pk)),),
    )
