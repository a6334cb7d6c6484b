from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techbridge.sharing.split import split_amount


def test_sixty_twenty_five_fifteen_of_an_awkward_total() -> None:
    # 1.01 yuan by 60/25/15: exact shares 60.6, 25.25, 15.15 fen → 61, 25, 15.
    assert split_amount(101, [6000, 2500, 1500]) == [61, 25, 15]


def test_ties_go_to_the_earlier_part_and_equal_weights_differ_by_at_most_one() -> None:
    assert split_amount(100, [1, 1, 1]) == [34, 33, 33]


def test_zero_weight_gets_nothing_and_negative_totals_mirror() -> None:
    assert split_amount(999, [10000, 0, 0]) == [999, 0, 0]
    assert split_amount(-101, [6000, 2500, 1500]) == [-61, -25, -15]


def test_bad_weights_are_refused() -> None:
    for weights in ([], [0, 0], [1, -1]):
        with pytest.raises(ValueError):
            split_amount(100, weights)


@given(
    total=st.integers(min_value=0, max_value=10**15),
    weights=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8).filter(
        lambda ws: sum(ws) > 0
    ),
)
def test_parts_are_exact_to_the_fen(total: int, weights: list[int]) -> None:
    parts = split_amount(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(Fraction(part) - Fraction(total * weight, whole)) < 1
