"""Supply–demand matching: ranked resources for a demand, open demands for a resource, more
like this for any record, and matches for free text. Weights live in matching/weights.py.

Score = text relevance (BM25 from the search engine with field boosts, scaled) + structured
signals. Every result explains itself: ``why = {"terms": [...], "signals": [{name, points}]}``.
Only public records are candidates (the index holds nothing else, and every candidate is
checked against the database again in search.selectors.hydrate).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from techbridge.matching import partners
from techbridge.matching import weights as W
from techbridge.search import ranking
from techbridge.search.backends import Filters, Hit, get_backend
from techbridge.search.indexing import ensure_dictionary
from techbridge.search.ranking import Plan
from techbridge.search.selectors import MAX_MATCH_CHARS, Result, query_plan, to_results
from techbridge.text import tokenise_for_index


@dataclass(frozen=True)
class Source:
    """What the structured signals compare a candidate with."""

    kind: str = ""
    technical_field: str = ""
    industry_code: str = ""
    region_code: str = ""
    # The partner-region prefixes of the source's programme (None: the settings' default).
    partners: tuple[str, ...] | None = None


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
    """The settings' partner-region prefixes (MATCH_PARTNER_REGION_PREFIXES)."""
    return partners.default_prefixes()


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


def topical_points(
    tokens: Sequence[str] | None, hits: Sequence[Hit], weight: float, *, limit: int = 10
) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """The ``topical`` signal per hit: ``weight`` × the cosine of its topic vector with that
    of ``tokens`` (matching.topics, 0–1); none without a trained model."""
    if not tokens or not hits or weight <= 0:
        return {}
    from techbridge.matching import topics

    model = topics.current()
    if model is None:
        return {}
    # Only the best text candidates are worth placing in topic space (cost: ~0.1 ms each).
    keep = max(W.TOPICAL_CANDIDATES, limit * W.TOPICAL_POOL_FACTOR)
    hits = sorted(hits, key=lambda h: h.score, reverse=True)[:keep]
    sims = model.similarities_of_hits(
        tokens,
        hits,
        feedback=W.TOPICAL_FEEDBACK_DOCS,
        beta=W.TOPICAL_FEEDBACK,
        rounds=W.TOPICAL_FEEDBACK_ROUNDS,
    )
    out = {}
    for hit, sim in zip(hits, sims, strict=True):
        points = round(weight * max(sim, 0.0), 3)
        if points > 0:
            out[(hit.kind, hit.id)] = [
                {"name": "topical", "points": points, "value": round(sim, 3)}
            ]
    return out


def rank(
    query: Plan | Sequence[str],
    *,
    kinds: Sequence[str],
    source: Source | None = None,
    limit: int = 10,
    exclude: tuple[tuple[str, int], ...] = (),
    topical: Sequence[str] | None = None,
    topical_weight: float = 0.0,
    pool_min: int | None = None,
    boosts: dict[str, float] | None = None,
    pair_boost: float | None = None,
) -> Matches:
    """Candidates of each of ``kinds`` for ``query`` (a plan, or plain tokens), re-ranked by
    text + signals. ``topical``: the source's tokens, for the ``topical`` signal of
    matching.topics (more-like-this)."""
    if not isinstance(query, Plan):
        query = Plan(tokens=list(query))
    tokens = query.tokens
    source = source or Source()
    limit = max(1, min(int(limit or 10), 100))
    if not tokens:
        return Matches(results=[], by_kind={k: [] for k in kinds}, tokens=[])
    backend = get_backend()
    # Closeness in topic re-ranks a wider pool: a neighbour in topic may share few words.
    factor = W.TOPICAL_POOL_FACTOR if topical and topical_weight > 0 else W.POOL_FACTOR
    pool = max(limit * factor, pool_min or W.POOL_MIN)
    # A kind with no indexed records costs a whole OR-query for nothing; skip it.
    present = [kind for kind in kinds if backend.count(kind)]
    hits_by_kind = {
        kind: backend.search(
            tokens,
            filters=Filters(kinds=(kind,), exclude=exclude),
            limit=pool,
            boosts=boosts or W.search_weights.FIELD_BOOSTS,
            weights=query.weights,
            pairs=query.pairs,
            pair_boost=W.search_weights.PAIR_BOOST if pair_boost is None else pair_boost,
        ).hits
        for kind in present
    }
    top = max((h.score for hits in hits_by_kind.values() for h in hits), default=0.0) or 1.0
    candidates = [h for hits in hits_by_kind.values() for h in hits]
    closeness = topical_points(topical, candidates, topical_weight, limit=limit)
    now = time.time()
    partner_codes = source.partners if source.partners is not None else partner_prefixes()
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
                *closeness.get((hit.kind, hit.id), []),
                *signals_for(source, hit, now=now, partners=partner_codes),
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


def record_streams(record: Any) -> list[list[str]]:
    """The record's public text as token streams: title, each keyword, summary."""
    ensure_dictionary()
    streams = [tokenise_for_index(record.search_title)]
    streams += [tokenise_for_index(k) for k in record.search_keywords]
    streams.append(tokenise_for_index(record.search_summary))
    return streams


def record_plan(record: Any, *, max_terms: int | None = None) -> Plan:
    """A record's match query: its most distinctive public words (title and keywords
    counted double), weighted, with their adjacent pairs (``search.ranking``)."""
    streams = record_streams(record)
    weights = [W.RECORD_TITLE_WEIGHT] + [W.RECORD_KEYWORD_WEIGHT] * (len(streams) - 2) + [1.0]
    return ranking.plan(
        streams,
        backend=get_backend(),
        max_terms=max_terms or W.MAX_QUERY_TERMS,
        field_weights=weights,
        subword_weight=1.0,
    )


def record_terms(record: Any) -> list[str]:
    """The words of :func:`record_plan` (whole words and dictionary sub-words only)."""
    return record_plan(record).tokens


def source_of(record: Any) -> Source:
    return Source(
        kind=record.KIND,
        technical_field=record.technical_field or "",
        industry_code=record.industry_code or "",
        region_code=record.region_code or "",
        partners=partners.prefixes_for(record),
    )


def resource_kinds() -> tuple[str, ...]:
    from techbridge.catalogue.kinds import RESOURCE_KINDS

    return RESOURCE_KINDS


def match_text(
    *,
    text: str,
    kinds: Sequence[str] | None = None,
    limit: int = 10,
    exclude: tuple[tuple[str, int], ...] = (),
) -> Matches:
    """Public records of ``kinds`` (resources by default) for free text, e.g. a problem an
    enterprise describes before it posts a demand; ``exclude``: (kind, id) pairs left out.
    ValidationError if text > 5000 chars."""
    from techbridge.catalogue.kinds import KINDS

    kinds = [k for k in (kinds or resource_kinds()) if k in KINDS]
    query = query_plan(text, max_chars=MAX_MATCH_CHARS, max_terms=W.MAX_QUERY_TERMS)
    if query.words >= W.RECORD_LIKE_WORDS:
        # A record's worth of text (a report, an abstract): ranked like more-like-this —
        # more words, topic counts, exact pairs count less.
        query = ranking.plan([query.stream], backend=get_backend(), max_terms=W.MLT_MAX_TERMS)
        return rank(
            query,
            kinds=kinds,
            limit=limit,
            exclude=exclude,
            topical=query.stream,
            topical_weight=W.RECORD_LIKE_TOPICAL,
            pool_min=W.TOPICAL_POOL,
            boosts=W.RECORD_FIELD_BOOSTS,
            pair_boost=W.MLT_PAIR_BOOST,
        )
    if W.TOPICAL_TEXT > 0 and query.words >= W.TOPICAL_TEXT_MIN_WORDS:
        # A whole description (a few sentences): closeness in topic counts too.
        return rank(
            query,
            kinds=kinds,
            limit=limit,
            exclude=exclude,
            topical=query.stream,
            topical_weight=W.TOPICAL_TEXT,
            pool_min=W.TOPICAL_POOL,
            boosts=W.RECORD_FIELD_BOOSTS,
        )
    return rank(query, kinds=kinds, limit=limit, exclude=exclude)


def match_demand(*, demand: Any, kinds: Sequence[str] | None = None, limit: int = 10) -> Matches:
    """Ranked resources (per kind and combined) for a demand the caller may see."""
    kinds = [k for k in (kinds or resource_kinds()) if k != "demand"]
    return rank(
        record_plan(demand),
        kinds=kinds,
        source=source_of(demand),
        limit=limit,
        boosts=W.RECORD_FIELD_BOOSTS,
    )


def match_resource(*, record: Any, limit: int = 10) -> Matches:
    """Ranked open (published) demands for a resource."""
    return rank(
        record_plan(record),
        kinds=["demand"],
        source=source_of(record),
        limit=limit,
        boosts=W.RECORD_FIELD_BOOSTS,
    )


def indexed_tokens(record: Any) -> list[str]:
    """The record's tokens as the index holds them (its own text tokenised if absent)."""
    fields = get_backend().document_tokens(record.KIND, int(record.pk))
    if fields is None:
        return [t for stream in record_streams(record) for t in stream]
    return [t for name in ("title", "keywords", "summary") for t in fields.get(name, [])]


def more_like_this(*, record: Any, limit: int = 10) -> Matches:
    """Public records of the same kind most like ``record`` (itself excluded): words, their
    pairs, and closeness in topic (matching.topics)."""
    return rank(
        record_plan(record, max_terms=W.MLT_MAX_TERMS),
        kinds=[record.KIND],
        source=source_of(record),
        limit=limit,
        exclude=((record.KIND, int(record.pk)),),
        topical=indexed_tokens(record),
        topical_weight=W.TOPICAL,
        pool_min=W.TOPICAL_POOL,
        boosts=W.RECORD_FIELD_BOOSTS,
        pair_boost=W.MLT_PAIR_BOOST,
    )


# --- relevance judgments (issue 13) -----------------------------------------------------------


def judged_pairs(
    *, query_kind: str = "demand"
) -> dict[tuple[str, int], dict[tuple[str, int], int]]:
    """The current grade of every judged (record, candidate) pair, per record: the latest
    judgment of a pair counts (an enterprise's answer after the broker's recommendation)."""
    from techbridge.matching.models import Judgment

    out: dict[tuple[str, int], dict[tuple[str, int], int]] = {}
    rows = Judgment.objects.filter(query_kind=query_kind).order_by("judged_at", "id")
    for qk, qid, ck, cid, grade in rows.values_list(
        "query_kind", "query_id", "candidate_kind", "candidate_id", "grade"
    ):
        out.setdefault((qk, int(qid)), {})[(ck, int(cid))] = int(grade)
    return out


def judgment_rows() -> Iterator[dict[str, Any]]:
    """Every judgment as plain data for export: kinds, ids, grade, source, reason, time —
    no personal data."""
    from techbridge.matching.models import Judgment

    for j in Judgment.objects.order_by("judged_at", "id").iterator(chunk_size=2000):
        yield {
            "query": {"kind": j.query_kind, "id": j.query_id},
            "candidate": {"kind": j.candidate_kind, "id": j.candidate_id},
            "grade": j.grade,
            "source": j.source,
            "reason": j.reason,
            "judged_at": j.judged_at.isoformat(),
        }
