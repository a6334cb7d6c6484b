"""Every weight of search ranking and matching, in one place.

A match score is the sum of these parts (each result's ``why.signals`` lists the parts that
counted, with their points):

====================  ======  ===========================================================
signal                points  when
====================  ======  ===========================================================
text                  0–10    the engine's score (search.ranking: BM25 per field with
                              FIELD_BOOSTS, weighted query words, a bonus for each pair
                              of adjacent query words a record holds), scaled so the best
                              text match among the candidates gets TEXT points
topical               0–30    more like this, and free text of 20+ words: TOPICAL ×
                              cosine of the two records' topic vectors (matching.topics;
                              TOPICAL_TEXT, RECORD_LIKE_TOPICAL for free text)
same_field            0.6     both records have the same technical field (技术领域)
same_industry         0.3     the demand's industry and the resource owner's industry
                              share a GB/T 4754 division (first two digits)
trl_fit               ≤ 0.4   an achievement ready to use: TRL ≥ 7 full, TRL 5–6 half
partner_region        0.4     one side from the partner region (MATCH_PARTNER_REGION_PREFIXES,
                              Beijing "11" by default), the other from elsewhere — the
                              cooperation the platform exists for
recency               ≤ 0.3   published within a year, linearly less with age
====================  ======  ===========================================================

Text relevance dominates on purpose: a record that does not talk about the problem should
not rise on structured signals alone (a candidate needs at least one matched term). The
structured signals are tie-breakers: together at most STRUCTURED_MAX = 2 points, so they
never lift a text match over one that is clearly (2 of 10 points) better. The evaluation
harness (``techbridge eval-matching``, docs/matching-quality.md) gives them no larger
size: on its queries they change no class by more than its noise.
"""

from __future__ import annotations

#: The weights of the query itself (field boosts, pair bonus, term weighting) are defined
#: in search (which must not import matching) and read from there at call time.
from techbridge.search import weights as search_weights  # noqa: F401 - read as W.search_weights
from techbridge.search.weights import FIELD_BOOSTS as FIELD_BOOSTS

TEXT = 10.0
SAME_FIELD = 0.6
SAME_INDUSTRY = 0.3
TRL_FIT = 0.4
TRL_FULL = 7  # TRL at or above which an achievement earns the full TRL_FIT
TRL_HALF = 5
PARTNER_REGION = 0.4
RECENCY = 0.3
RECENCY_DAYS = 365
#: The most all structured signals together can add (see the table above).
STRUCTURED_MAX = SAME_FIELD + SAME_INDUSTRY + TRL_FIT + PARTNER_REGION + RECENCY

#: Candidates fetched per kind before re-ranking: POOL_FACTOR × limit, at least POOL_MIN.
POOL_FACTOR = 3
POOL_MIN = 30
#: The most distinctive words (query tf × idf) of a record or a long text that form its
#: match query, each weighted (search.ranking): 48 rather than 24 lifts topical neighbours
#: on the evaluation's tuning half; more cost latency at 10^6 records for little.
MAX_QUERY_TERMS = 48
#: How much a word of a record's title and of its keywords counts in its match query,
#: next to 1 for its summary.
RECORD_TITLE_WEIGHT = 2.0
#: Field boosts when a whole record is the query (a demand's resources, a resource's
#: demands, more like this): its words are already weighted by field above, so the
#: candidates' fields count alike.
RECORD_FIELD_BOOSTS: dict[str, float] = {"title": 1.0, "keywords": 1.0, "summary": 1.0}
RECORD_KEYWORD_WEIGHT = 2.0
#: More-like-this: the ``topical`` signal (matching.topics) gives the candidate closest in
#: topic TOPICAL points and the others less, in proportion to their closeness; its
#: candidates are at least TOPICAL_POOL per kind.
TOPICAL = 20.0
TOPICAL_POOL = 60
#: ... and at least TOPICAL_POOL_FACTOR × limit (POOL_FACTOR elsewhere), all of them placed
#: in topic space: with 5 rather than 3 the harness's 100 neighbours come from 500 text
#: candidates, not 300 (+0.01 share); a page of 10 reads 60 and places the best 50.
TOPICAL_POOL_FACTOR = 5
#: The fewest best text candidates (of all kinds) placed in topic space, and how many
#: candidates' topic vectors a process keeps (float16, 2 bytes × TOPIC_DIM each: 1 kB, 20 MB
#: in all).
TOPICAL_CANDIDATES = 40
#: Pseudo-relevance feedback in topic space: the source's topic vector plus
#: TOPICAL_FEEDBACK × the mean of the best TOPICAL_FEEDBACK_DOCS text candidates'.
TOPICAL_FEEDBACK = 1.5
TOPICAL_FEEDBACK_DOCS = 5
#: Rounds of that feedback; from the second on, the TOPICAL_FEEDBACK_DOCS candidates closest
#: in topic replace the best text matches (3 rounds: +0.01 share on the tuning half).
TOPICAL_FEEDBACK_ROUNDS = 3
TOPIC_CACHE = 20_000
#: More like this reads more of the record (MLT_MAX_TERMS words) and counts exact pairs for
#: less (MLT_PAIR_BOOST instead of search's PAIR_BOOST): neighbours in topic, not copies.
MLT_MAX_TERMS = 64
MLT_PAIR_BOOST = 1.0
#: Free text of at least RECORD_LIKE_WORDS distinct words (an abstract, a report) is
#: matched the way more like this matches a record.
RECORD_LIKE_WORDS = 50
#: ... with RECORD_LIKE_TOPICAL points for closeness in topic rather than TOPICAL: such a
#: text has no title and keywords to weight double, so its text candidates are the less
#: precise and topic counts for more (30: +0.01 share on the tuning half; 40 no better).
RECORD_LIKE_TOPICAL = 30.0
#: Free text of at least TOPICAL_TEXT_MIN_WORDS distinct words (a record's worth) gets the
#: topical signal too, with TOPICAL_TEXT points.
TOPICAL_TEXT = 10.0
TOPICAL_TEXT_MIN_WORDS = 20
#: The topic model: floats per word, words in at most this share of the records, at most
#: this many words, trained on at most this many records.
TOPIC_DIM = 512
TOPIC_MAX_SHARE = 0.03
TOPIC_MIN_CEILING = 20
TOPIC_MAX_WORDS = 200_000
TOPIC_SAMPLE = 100_000
#: Default partner-region prefixes (GB/T 2260) when settings give none.
DEFAULT_PARTNER_PREFIXES = ("11",)
