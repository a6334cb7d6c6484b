"""Every weight of search ranking and matching, in one place.

A match score is the sum of these parts (each result's ``why.signals`` lists the parts that
counted, with their points):

====================  ======  ===========================================================
signal                points  when
====================  ======  ===========================================================
text                  0–10    BM25 from the search engine with FIELD_BOOSTS, scaled so the
                              best text match among the candidates gets TEXT points
same_field            2.0     both records have the same technical field (技术领域)
same_industry         1.0     the demand's industry and the resource owner's industry
                              share a GB/T 4754 division (first two digits)
trl_fit               ≤ 1.5   an achievement ready to use: TRL ≥ 7 full, TRL 5–6 half
partner_region        1.5     one side from the partner region (MATCH_PARTNER_REGION_PREFIXES,
                              Beijing "11" by default), the other from elsewhere — the
                              cooperation the platform exists for
recency               ≤ 1.0   published within a year, linearly less with age
====================  ======  ===========================================================

Text relevance dominates on purpose: a record that does not talk about the problem should
not rise on structured signals alone (a candidate needs at least one matched term).
"""

from __future__ import annotations

#: Field boosts inside the BM25 query: title > keywords > summary. Defined in search (which
#: must not import matching) and listed here with the other weights.
from techbridge.search.weights import FIELD_BOOSTS as FIELD_BOOSTS

TEXT = 10.0
SAME_FIELD = 2.0
SAME_INDUSTRY = 1.0
TRL_FIT = 1.5
TRL_FULL = 7  # TRL at or above which an achievement earns the full TRL_FIT
TRL_HALF = 5
PARTNER_REGION = 1.5
RECENCY = 1.0
RECENCY_DAYS = 365

#: Candidates fetched per kind before re-ranking: POOL_FACTOR × limit, at least POOL_MIN.
POOL_FACTOR = 3
POOL_MIN = 30
#: The most distinctive terms (tf × idf) of a record that form its match query: more terms
#: add little quality (self-retrieval MRR 1.000 → 0.998 at 24 on 100k records) and cost
#: latency at 10^6 records.
MAX_QUERY_TERMS = 24
#: Default partner-region prefixes (GB/T 2260) when settings give none.
DEFAULT_PARTNER_PREFIXES = ("11",)
