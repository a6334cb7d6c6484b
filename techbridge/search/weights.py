"""Weights of the search query itself. They live in search because search ranks with them;
matching (which ranks on top of search) re-exports them in matching/weights.py, where every
weight of matching is listed, so search never imports matching (ARCHITECTURE.md).

Each value below was chosen with ``techbridge eval-matching`` on the tuning half of its
queries (docs/matching-quality.md has the before/after table).
"""

from __future__ import annotations

#: Field boosts inside the BM25 query: title > keywords > summary.
FIELD_BOOSTS: dict[str, float] = {"title": 3.0, "keywords": 2.0, "summary": 1.0}
#: Bonus of each adjacent-word pair a record holds, × the pair's idf, whatever the
#: record's length (search.ranking).
PAIR_BOOST = 6.0
#: At most this many pairs per query (latency: each is one term lookup).
MAX_PAIRS = 64
#: Query-term frequency: a word the query repeats n times counts n ** QUERY_TF_POWER.
QUERY_TF_POWER = 0.5
#: How much a compound's dictionary sub-words count in a typed query (政治 of 政治经济学);
#: a record as the query keeps them at 1 (matching.selectors.record_plan).
SUBWORD_WEIGHT = 0.5
#: Words in more than this share of the records count for less, down to COMMON_FLOOR.
COMMON_SHARE = 1.0
COMMON_FLOOR = 1.0
#: Most words a search query keeps (ranking.plan; the distinctive ones).
MAX_SEARCH_TERMS = 64
