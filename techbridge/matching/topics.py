"""Topical similarity learnt from the platform's own records: the ``topical`` signal of
more-like-this (issue 13).

Two records of one discipline often share few exact words but many words with the same
*other* records. Random indexing captures that second-order overlap without any external
model: every record gets a random Gaussian vector; a word's vector is the sum of the
vectors of the records it occurs in (weighted by tf × idf), normalised; a record's vector is
the tf × idf-weighted sum of its words' vectors. Cosine of two record vectors is the
signal. Measured on the evaluation corpus, it lifts the share of same-discipline neighbours
far more than any re-weighting of BM25 (docs/matching-quality.md).

The model (``TOPIC_DIM`` floats per word, float16, words in 2 or more records and in at
most ``TOPIC_MAX_SHARE`` of them, at most ``TOPIC_MAX_WORDS``) lives beside the index in
``<SEARCH_INDEX_DIR>/topics/`` and is memory-mapped, so the web workers of a node share one
copy. It is trained from the indexed documents by ``techbridge topic-model`` and the nightly
job ``matching.topic_model``; records published since are folded in through their words.
Without a model the signal is simply absent.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from techbridge.matching import weights as W

VECTORS, VOCABULARY = "vectors.npy", "vocabulary.json"


@dataclass
class TopicModel:
    vocabulary: dict[str, int]
    idf: Any  # numpy float32 array, one per word
    vectors: Any  # numpy float16 array (words × TOPIC_DIM), rows of unit length
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)  # hit → its vector

    def embed(self, documents: Sequence[Iterable[str]]) -> Any:
        """Unit vectors, one row per token list (zeros where no word is known): the
        (1 + log tf) × idf-weighted sum of the known words' vectors."""
        import numpy as np

        index_of = self.vocabulary
        ids: list[int] = []
        tfs: list[int] = []
        owners: list[int] = []
        for row, tokens in enumerate(documents):
            for token, n in Counter(tokens).items():
                index = index_of.get(token)
                if index is not None:
                    ids.append(index)
                    tfs.append(n)
                    owners.append(row)
        out = np.zeros((len(documents), self.vectors.shape[1]), dtype=np.float32)
        if ids:
            words = np.asarray(ids, dtype=np.int64)
            weight = (1 + np.log(np.asarray(tfs, dtype=np.float32))) * self.idf[words]
            rows = np.asarray(self.vectors[words], dtype=np.float32) * weight[:, None]
            # Each document's words are one run (one sum per run is faster than
            # ufunc.reduceat over rows here).
            run = np.asarray(owners)
            bounds = np.flatnonzero(np.diff(run)) + 1
            starts = [0, *bounds.tolist()]
            ends = [*bounds.tolist(), len(ids)]
            for start, end in zip(starts, ends, strict=True):
                out[owners[start]] = rows[start:end].sum(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return out / norms

    def similarities_of_hits(
        self,
        query: Iterable[str],
        hits: Sequence[Any],
        *,
        feedback: int = 0,
        beta: float = 0.0,
        rounds: int = 1,
    ) -> list[float]:
        """Cosine of ``query`` with each search hit (its indexed text fields), with the
        hits' vectors kept in a small per-process cache (a popular record is a candidate
        again and again); a record whose text changed gets a new entry (its token counts
        are part of the key). ``feedback``, ``beta``: the query's vector moves towards the
        mean of the first ``feedback`` hits (the best text matches), Rocchio's pseudo-
        relevance feedback in topic space: the topic of a record is read from its closest
        records as well as its own words. Each further of ``rounds`` takes the ``feedback``
        hits closest in topic to the moved vector instead (the query's own vector plus
        their mean): a text match that is off topic stops pulling the query after the first
        round."""
        import numpy as np

        fields = ("title", "keywords", "summary")
        keys = [(h.kind, h.id, *(len(h.fields.get(f, [])) for f in fields)) for h in hits]
        local: dict[tuple[Any, ...], Any] = {key: self.cache.get(key) for key in keys}
        missing = [i for i, key in enumerate(keys) if local[key] is None]
        if missing:
            fresh = self.embed(
                [[t for f in fields for t in hits[i].fields.get(f, [])] for i in missing]
            )
            if len(self.cache) > W.TOPIC_CACHE:
                self.cache.clear()  # crude, but bounded and thread-safe enough
            for i, vector in zip(missing, fresh, strict=True):
                local[keys[i]] = self.cache[keys[i]] = vector.astype(np.float16)
        q = self.embed([list(query)])[0]
        if not keys:
            return []
        matrix = np.stack([local[key] for key in keys]).astype(np.float32)
        if feedback > 0 and beta > 0:
            own = q
            closest: Any = slice(0, feedback)
            for _ in range(max(rounds, 1)):
                q = own + beta * matrix[closest].mean(axis=0)
                norm = float(np.linalg.norm(q))
                if norm > 0:
                    q = q / norm
                closest = np.argsort(-(matrix @ q), kind="stable")[:feedback]
        return [float(x) for x in matrix @ q]

    def similarities(self, query: Iterable[str], documents: Sequence[Iterable[str]]) -> list[float]:
        """Cosine of ``query`` with each of ``documents`` (token lists), in [−1, 1]."""
        vectors = self.embed([list(query), *documents])
        return [float(x) for x in vectors[1:] @ vectors[0]]


def train(
    documents: Iterable[Sequence[str]] | Callable[[], Iterable[Sequence[str]]],
    *,
    dim: int | None = None,
    seed: int = 7,
) -> TopicModel:
    """A model of ``documents`` (token lists). Given a function that returns them, it is
    called twice — one pass counts words, one adds up vectors — so the corpus is never
    held in memory."""
    import numpy as np

    if callable(documents):
        passes = documents
    else:
        kept = [list(d) for d in documents]

        def passes() -> Iterable[Sequence[str]]:
            return kept

    dim = dim or W.TOPIC_DIM
    df: Counter[str] = Counter()
    n = 0
    for doc in passes():
        df.update(set(doc))
        n += 1
    n = max(n, 1)
    # Common words carry no topic; a small platform (a few hundred records) keeps words of
    # up to TOPIC_MIN_CEILING records, or a 3 % cut-off would leave it no words at all.
    ceiling = max(W.TOPIC_MAX_SHARE * n, W.TOPIC_MIN_CEILING)
    words = [t for t, c in df.items() if c >= 2 and c <= ceiling]
    words.sort(key=lambda t: (-df[t], t))
    words = words[: W.TOPIC_MAX_WORDS]
    vocabulary = {t: i for i, t in enumerate(words)}
    idf = np.array([math.log(n / df[t]) for t in words], dtype=np.float32)
    acc = np.zeros((len(words), dim), dtype=np.float32)
    rng = np.random.default_rng(seed)
    for doc in passes():
        counts = Counter(t for t in doc if t in vocabulary)
        if not counts:
            continue
        ids = np.fromiter((vocabulary[t] for t in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        weight = (1 + np.log(tf)) * idf[ids]
        # ids are distinct within one document, so plain fancy-index addition is exact.
        acc[ids] += weight[:, None] * rng.standard_normal(dim, dtype=np.float32)[None, :]
    norms = np.linalg.norm(acc, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return TopicModel(vocabulary=vocabulary, idf=idf, vectors=(acc / norms).astype(np.float16))


def directory() -> Path:
    return Path(settings.SEARCH_INDEX_DIR) / "topics"


def save(model: TopicModel, where: Path | None = None) -> Path:
    """Write the model atomically (a new directory swapped in by rename)."""
    import numpy as np

    target = where or directory()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    np.save(tmp / VECTORS, model.vectors)
    words = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    meta = {"words": words, "idf": [round(float(x), 5) for x in model.idf]}
    (tmp / VOCABULARY).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    old = target.parent / f"{target.name}.old.{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    if old.exists():
        import shutil

        shutil.rmtree(old, ignore_errors=True)
    _cache.clear()
    return target


def load(where: Path) -> TopicModel:
    import numpy as np

    meta = json.loads((where / VOCABULARY).read_text(encoding="utf-8"))
    vectors = np.load(where / VECTORS, mmap_mode="r")
    return TopicModel(
        vocabulary={t: i for i, t in enumerate(meta["words"])},
        idf=np.asarray(meta["idf"], dtype=np.float32),
        vectors=vectors,
    )


_cache: dict[str, Any] = {}
_lock = threading.Lock()


def current() -> TopicModel | None:
    """This node's model, or None when none has been trained (reloaded when retrained)."""
    where = directory()
    try:
        stamp = (where / VOCABULARY).stat().st_mtime_ns
    except (FileNotFoundError, NotADirectoryError):
        return None
    key = str(where)
    cached = _cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]  # type: ignore[no-any-return]
    with _lock:
        try:
            model = load(where)
        except (FileNotFoundError, ValueError, KeyError):
            return None
        _cache[key] = (stamp, model)
    return model


def train_from_index(*, sample: int | None = None, seed: int = 7) -> tuple[TopicModel, int]:
    """Train on (a random sample of) the indexed documents of every kind and save; (the
    model, documents read). The index is read twice rather than held in memory."""
    from techbridge.search.backends import get_backend

    backend, limit = get_backend(), sample or W.TOPIC_SAMPLE
    read = 0

    def documents() -> Iterable[list[str]]:
        nonlocal read
        read = 0
        for _kind, _pk, fields in backend.sample_documents(limit, seed=seed):
            read += 1
            yield [t for name in ("title", "keywords", "summary") for t in fields.get(name, [])]

    model = train(documents, seed=seed)
    save(model)
    return model, read
