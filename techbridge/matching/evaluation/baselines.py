"""The two baselines every class is measured against, built and queried in the same run:

- ``bm25-raw``: plain BM25 (bm25s, Lucene variant, k1 = 1.5, b = 0.75) over jieba tokens of
  the RAW text — title, keywords and abstract in one field, no normalisation;
- ``bm25-norm``: the same BM25 over the project's OWN normalised index tokens
  (``search.indexing.index_tokens``: NFKC, traditional → simplified, pinyin annotations
  dropped, jieba-rs search mode with the domain dictionary, compound pieces) in one field;
  the query is every token of ``tokenise_for_index`` (no term limit, no boosts, no signals).

bm25s and jieba are development dependencies (``pip install -e '.[dev]'``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from techbridge.matching.evaluation.data import Record

Tokeniser = Callable[[str], list[str]]


def raw_cut(text: str) -> list[str]:
    """jieba (the Python original, default dictionary) over the raw text."""
    import jieba

    jieba.setLogLevel(60)
    return [t for t in jieba.lcut(text or "") if t.strip()]


def normalised_cut(text: str) -> list[str]:
    """The project's query tokens, every one of them (no limit, no weights)."""
    from techbridge.text import tokenise_for_index

    return [t for t in tokenise_for_index(text) if not (len(t) == 1 and t.isascii())]


def normalised_document(record: Record) -> list[str]:
    from techbridge.search.indexing import index_tokens, tokens_of_keywords

    return [
        *index_tokens(record.title),
        *tokens_of_keywords(record.keywords),
        *index_tokens(record.summary),
    ]


def raw_text(record: Record) -> str:
    return f"{record.title} {' '.join(record.keywords)} {record.summary}"


class Baseline:
    """bm25s over one field of tokens; ``rank`` answers external ids, best first."""

    def __init__(self, name: str, ids: Sequence[str], docs: Sequence[list[str]], query: Tokeniser):
        import logging

        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.name = name
        self.ids = list(ids)
        self.position = {external_id: i for i, external_id in enumerate(self.ids)}
        self.query_tokens = query
        self.retriever: Any = bm25s.BM25()
        self.retriever.index([list(d) for d in docs], show_progress=False)

    def rank(self, text: str, *, k: int = 10, exclude: str = "") -> list[str]:
        import numpy as np

        tokens = [t for t in self.query_tokens(text) if t in self.retriever.vocab_dict]
        if not tokens:
            return []
        scores = self.retriever.get_scores(tokens)
        if exclude and exclude in self.position:
            scores[self.position[exclude]] = -1.0
        n = min(k, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [self.ids[int(i)] for i in top if scores[int(i)] > 0]


def build(records: Sequence[Record]) -> tuple[Baseline, Baseline]:
    """(bm25-raw, bm25-norm) over ``records``."""
    ids = [r.external_id for r in records]
    raw = Baseline("bm25-raw", ids, [raw_cut(raw_text(r)) for r in records], raw_cut)
    norm = Baseline("bm25-norm", ids, [normalised_document(r) for r in records], normalised_cut)
    return raw, norm
