"""Ranking metrics at cut-off 10 (plain Python)."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

K = 10
T = TypeVar("T", bound=Hashable)


def reciprocal_rank(ranked: Sequence[T], target: T, k: int = K) -> float:
    top = list(ranked[:k])
    return 1.0 / (top.index(target) + 1) if target in top else 0.0


def recall(ranked: Sequence[T], target: T, k: int = K) -> float:
    return 1.0 if target in ranked[:k] else 0.0


def ndcg(
    ranked: Sequence[T], gain: Callable[[T], float], ideal: Sequence[float], k: int = K
) -> float:
    """nDCG@k with graded gains (linear gain, log2 discount); ``ideal`` lists the best gains
    that exist for this query, in any order."""
    dcg = sum(gain(doc) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    best = sorted(ideal, reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(best))
    return dcg / idcg if idcg else 0.0


def share(ranked: Sequence[T], relevant: Callable[[T], bool], k: int = K) -> float:
    """The share of the first ``k`` results that are relevant (over ``k``: a short list
    does not score better)."""
    return sum(1 for doc in ranked[:k] if relevant(doc)) / k


def pct(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``; 0 for none."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
