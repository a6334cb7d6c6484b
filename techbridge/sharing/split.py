"""Split an amount of fen by integer weights so the parts add up exactly (最大余额法).

Each part first gets the floor of its exact share ``total × weight / Σweights``; the fen
left over (fewer than the number of parts) go one each to the parts with the largest
remainders, ties broken by position so the result is deterministic. Every part then
differs from its exact share by less than one fen, and none is negative.

Plain Python, no Django: used for owner / staff / agency shares (weights in basis points)
and for the staff part among several staff members (equal weights).
"""

from __future__ import annotations

from collections.abc import Sequence


def split_amount(total_fen: int, weights: Sequence[int]) -> list[int]:
    """Parts of ``total_fen`` in proportion to ``weights`` (non-negative integers, not all
    zero), adding up to ``total_fen``. ``total_fen`` may be negative (a refund line): the
    parts are then the negated split of its absolute value."""
    if not weights:
        raise ValueError("split_amount needs at least one weight")
    if any(w < 0 for w in weights):
        raise ValueError(f"weights must not be negative: {list(weights)}")
    whole = sum(weights)
    if whole == 0:
        raise ValueError("weights must not all be zero")
    if total_fen < 0:
        return [-part for part in split_amount(-total_fen, weights)]
    floors = [total_fen * w // whole for w in weights]
    remainders = [total_fen * w % whole for w in weights]
    left = total_fen - sum(floors)
    # Largest remainder first; among equal remainders the earlier part.
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors
