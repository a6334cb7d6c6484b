"""What a query asks of the engine: weighted terms and adjacent-word pairs (issue 13).

A query — typed text, a problem paragraph or a record's own text — becomes a :class:`Plan`:

- ``tokens``: its distinct index-mode words (``tokenise_for_index``: whole words and their
  dictionary sub-words, never the two-character pieces only documents carry);
- ``weights``: per word, how much it counts. Short queries count every word once. Longer
  ones keep their most distinctive words (query frequency × idf, up to ``max_terms``, for
  latency at 10^6 records) and weigh each by how often the query repeats it, damped, and
  by how rare it is in the corpus beyond what BM25's idf already says, so domain-common
  words (科技, 技术, 平台, 研究) count for less without a stop list;
- ``pairs``: adjacent words ("技术合同~认定", ``indexing.pair_tokens``); a record that holds
  them side by side gets a bonus whatever its length, so a long report containing the exact
  phrase outranks short records sharing one common word.

:func:`explained_terms` turns what matched into words a user reads: whole words of the
query, a sub-word only where its whole word did not match.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from techbridge.search import weights as W
from techbridge.search.backends import SearchBackend
from techbridge.search.indexing import pair_tokens, whole_words


@dataclass
class Plan:
    tokens: list[str]
    weights: dict[str, float] = field(default_factory=dict)
    pairs: list[str] = field(default_factory=list)
    words: int = 0  # distinct words of the query before the most distinctive were kept
    stream: list[str] = field(default_factory=list)  # all its words, in order

    def __bool__(self) -> bool:
        return bool(self.tokens)


def _idf(backend: SearchBackend, tokens: Iterable[str]) -> dict[str, float]:
    total = max(backend.count(), 1)
    return {t: math.log(1 + total / (1 + df)) for t, df in backend.doc_freqs(tokens).items()}


def common_word_factor(idf: float) -> float:
    """How much a word counts for being common in the corpus: 1 for words rarer than
    ``COMMON_SHARE`` of the records, falling to ``COMMON_FLOOR`` for words in every record."""
    ceiling = math.log(1 + 1 / W.COMMON_SHARE)
    if idf >= ceiling:
        return 1.0
    return W.COMMON_FLOOR + (1 - W.COMMON_FLOOR) * max(idf, 0.0) / ceiling


def plan(
    streams: Sequence[Sequence[str]],
    *,
    backend: SearchBackend,
    max_terms: int,
    field_weights: Sequence[float] | None = None,
    subword_weight: float | None = None,
    pair_streams: Sequence[Sequence[str]] | None = None,
) -> Plan:
    """The plan of one or more token streams (a query's, or a record's title, keywords
    and summary with ``field_weights``); ``subword_weight`` (default SUBWORD_WEIGHT) for a
    compound's dictionary sub-words; ``pair_streams``: the streams pairs come from, when not
    ``streams`` themselves."""
    subword = W.SUBWORD_WEIGHT if subword_weight is None else subword_weight
    weights_of = field_weights or [1.0] * len(streams)
    tf: dict[str, float] = {}
    order: dict[str, None] = {}
    pairs: list[str] = []
    whole: set[str] = set()
    for stream, weight in zip(streams, weights_of, strict=True):
        whole.update(whole_words(stream))
        for token in stream:
            if len(token) == 1 and token.isascii():
                continue  # a lone Latin letter or digit matches everything and nothing
            tf[token] = tf.get(token, 0.0) + weight
            order.setdefault(token, None)
        if pair_streams is None:
            pairs.extend(pair_tokens([t for t in stream if not (len(t) == 1 and t.isascii())]))
    for stream in pair_streams or ():
        pairs.extend(pair_tokens([t for t in stream if not (len(t) == 1 and t.isascii())]))
    tokens = list(order)
    if not tokens:
        return Plan(tokens=[])
    words, stream_all = len(tokens), [t for stream in streams for t in stream]
    idf = _idf(backend, tokens)
    if len(tokens) > max_terms:
        ranked = sorted(tokens, key=lambda t: (tf[t] ** W.QUERY_TF_POWER) * idf[t], reverse=True)
        chosen = set(ranked[:max_terms])
        tokens = [t for t in tokens if t in chosen]
    # A compound's dictionary sub-words (政治, 经济 of 政治经济学) count for less: they are
    # there for recall, and at full weight a compound would count five times over.
    weights = {
        t: round(
            (tf[t] ** W.QUERY_TF_POWER)
            * common_word_factor(idf[t])
            * (1.0 if t in whole else subword),
            4,
        )
        for t in tokens
    }
    # Pairs of kept words first; the others may still be distinctive (two common words
    # side by side), up to MAX_PAIRS.
    keep = set(tokens)
    distinct = list(dict.fromkeys(pairs))
    both = [p for p in distinct if all(x in keep for x in p.split("~", 1))]
    first = set(both)
    rest = [p for p in distinct if p not in first]
    return Plan(
        tokens=tokens,
        weights=weights,
        pairs=(both + rest)[: W.MAX_PAIRS],
        words=words,
        stream=stream_all,
    )


def explained_terms(tokens: Sequence[str], matched: Iterable[str]) -> list[str]:
    """The matched words a user reads, in query order: a matched sub-word (石墨 of 石墨烯)
    is left out when a longer matched word contains it."""
    hit = set(matched)
    found = [t for t in dict.fromkeys(tokens) if t in hit]
    # One substring search per word in the words longer than it (not one per pair): a
    # long text's match lists up to 64 words, fifteen results at a time.
    longer = {n: "\x00".join(u for u in found if len(u) > n) for n in {len(t) for t in found}}
    return [t for t in found if t not in longer[len(t)]]
