"""The fee arithmetic (sharing/pricing.py): exact integer fen, one rounding half up."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techbridge.sharing import pricing


def _price(unit: str = "hour", billed_on: str = "used", **kw: int) -> pricing.Price:
    values = {"unit_price_fen": 18000, "minimum_charge_fen": 0, "booked_milli": 0, "used_milli": 0}
    values.update(kw)
    return pricing.price(unit=unit, billed_on=billed_on, **values)


def test_hourly_rate_times_hours_used() -> None:
    # 180.00 yuan/h × 1.5 h = 270.00 yuan
    p = _price(booked_milli=2000, used_milli=1500)
    assert (p.billed_milli, p.amount_fen, p.minimum_applied) == (1500, 27000, False)


@pytest.mark.parametrize(
    ("billed_on", "booked", "used", "billed"),
    [
        ("booked", 2000, 1500, 2000),
        ("used", 2000, 1500, 1500),
        ("greater", 2000, 2500, 2500),
        ("greater", 3000, 2500, 3000),
    ],
)
def test_billed_on_chooses_booked_used_or_greater(
    billed_on: str, booked: int, used: int, billed: int
) -> None:
    p = _price(billed_on=billed_on, booked_milli=booked, used_milli=used, unit_price_fen=10000)
    assert p.billed_milli == billed
    assert p.amount_fen == billed * 10  # 100.00 yuan per unit = 10 fen per thousandth


def test_per_sample_and_per_day_and_flat() -> None:
    assert _price(unit="sample", used_milli=7000, unit_price_fen=35050).amount_fen == 245350
    assert (
        _price(
            unit="day",
            billed_on="booked",
            booked_milli=3000,
            used_milli=1000,
            unit_price_fen=120000,
        ).amount_fen
        == 360000
    )
    # A flat fee is one unit, whatever was booked or used.
    flat = _price(unit="flat", booked_milli=0, used_milli=12345, unit_price_fen=50000)
    assert (flat.billed_milli, flat.amount_fen) == (1000, 50000)


def test_minimum_charge_applies_to_any_use_but_not_to_nothing() -> None:
    small = _price(used_milli=100, minimum_charge_fen=5000)  # 0.1 h × 180 = 18.00 < 50.00
    assert (small.base_fen, small.amount_fen, small.minimum_applied) == (1800, 5000, True)
    big = _price(used_milli=1000, minimum_charge_fen=5000)
    assert (big.amount_fen, big.minimum_applied) == (18000, False)
    nothing = _price(used_milli=0, minimum_charge_fen=5000)
    assert (nothing.amount_fen, nothing.minimum_applied) == (0, False)


def test_rounding_is_half_up_and_happens_once() -> None:
    # 0.333 h × 100.01 yuan = 33.30333 yuan → 33.30; 0.005 h × 1.00 yuan = 0.5 fen → 1 fen.
    assert pricing.fee_fen(10001, 333) == 3330
    assert pricing.fee_fen(100, 5) == 1
    assert pricing.fee_fen(100, 4) == 0
    # 1.5 fen exactly → 2 (half up, not banker's rounding to even).
    assert pricing.fee_fen(300, 5) == 2
    assert pricing.fee_fen(100, 15) == 2
    # 0.01 yuan per hour for 0.333 h is 0.00333 fen → 0 (a third of a fen is not charged).
    assert pricing.fee_fen(1, 333) == 0 and pricing.fee_fen(1, 1000) == 1


def test_late_fee_is_a_share_of_the_booked_price_rounded_once() -> None:
    # 50 % of 2 h × 180.00 = 180.00; 33.33 % of 1 h × 0.03 → 0.0099990 yuan → 1 fen.
    assert pricing.late_fee_fen(18000, 2000, 5000) == 18000
    assert pricing.late_fee_fen(3, 1000, 3333) == 1
    assert pricing.late_fee_fen(18000, 2000, 0) == 0
    with pytest.raises(ValueError):
        pricing.late_fee_fen(100, 1000, 10_001)


def test_quantities_from_times_and_text() -> None:
    assert pricing.hours_milli(90 * 60) == 1500
    assert pricing.hours_milli(20 * 60) == 333  # 0.3333… h
    assert pricing.hours_milli(40 * 60) == 667  # 0.6666… h rounds half up
    assert pricing.days_milli(8 * 3600) == 1000 and pricing.days_milli(25 * 3600) == 2000
    assert pricing.days_milli(0) == 0
    assert pricing.parse_quantity("1.5") == 1500
    assert pricing.parse_quantity("2") == 2000
    assert pricing.format_quantity(1500) == "1.5" and pricing.format_quantity(333) == "0.333"
    for bad in ("-1", "1.2345", "1e3", "１", "", "1,5"):
        with pytest.raises(ValueError):
            pricing.parse_quantity(bad)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        _price(unit="week")
    with pytest.raises(ValueError):
        _price(billed_on="sometimes")
    with pytest.raises(ValueError):
        _price(used_milli=-1)


def test_shares_add_up_and_staff_part_is_split_among_staff() -> None:
    s = pricing.shares(10001, (6000, 2500, 1500), 2)
    assert s.owner_fen + s.staff_fen + s.agency_fen == 10001
    assert sum(s.per_staff_fen) == s.staff_fen and len(s.per_staff_fen) == 2
    assert pricing.shares(100, (6000, 2500, 1500), 0).per_staff_fen == []
    assert pricing.percent(6000) == "60" and pricing.percent(3333) == "33.33"


@given(
    price_fen=st.integers(min_value=0, max_value=10**9),
    booked=st.integers(min_value=0, max_value=10**7),
    used=st.integers(min_value=0, max_value=10**7),
    minimum=st.integers(min_value=0, max_value=10**7),
    unit=st.sampled_from(pricing.UNITS),
    billed_on=st.sampled_from(pricing.BILLED_ON),
)
def test_fee_is_the_exact_product_rounded_half_up(
    price_fen: int, booked: int, used: int, minimum: int, unit: str, billed_on: str
) -> None:
    p = pricing.price(
        unit=unit,
        billed_on=billed_on,
        unit_price_fen=price_fen,
        minimum_charge_fen=minimum,
        booked_milli=booked,
        used_milli=used,
    )
    exact = Fraction(price_fen * p.billed_milli, 1000)
    assert exact - Fraction(1, 2) < p.base_fen <= exact + Fraction(1, 2)
    assert p.amount_fen == (max(p.base_fen, minimum) if p.billed_milli else 0)
