"""The fee of a service order, exactly, in integer fen (计费).

Plain Python, no Django: the order service copies the rate in force on the service date
onto the order and calls ``price``; the order page shows the ``Price`` it returns.

- A quantity is an integer number of thousandths of the rate's unit (1.5 h = 1500).
- The fee is ``unit price × billed quantity``, rounded half up to the fen **once**, at the
  end (``price_fen × quantity_milli / 1000``): 0.333 h at 100.00 yuan/h is 33.30 yuan,
  0.3335 h cannot occur (quantities are whole thousandths).
- ``billed_on`` chooses the booked, the used or the greater of the two quantities.
- A flat fee is one unit whatever the quantities say.
- The minimum charge is the least fee of any use: it applies when something is billed
  (a billed quantity of zero costs nothing, so an order for nothing is not charged).
- A late cancellation or no-show costs ``late_cancellation_bp`` basis points of the price
  of the booked quantity, again rounded once; no minimum charge applies to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from techbridge.sharing.split import split_amount

MILLI = 1000
WHOLE = 10_000

HOUR = "hour"
SAMPLE = "sample"
DAY = "day"
FLAT = "flat"
UNITS = (HOUR, SAMPLE, DAY, FLAT)

BOOKED = "booked"
USED = "used"
GREATER = "greater"
BILLED_ON = (BOOKED, USED, GREATER)


def _round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, for non-negative integers."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("only non-negative amounts are priced")
    return (2 * numerator + denominator) // (2 * denominator)


def billed_quantity(billed_on: str, booked_milli: int, used_milli: int, unit: str = HOUR) -> int:
    """The quantity the rate charges: booked, used or the greater; one unit for a flat fee."""
    if booked_milli < 0 or used_milli < 0:
        raise ValueError("quantities are never negative")
    if unit == FLAT:
        return MILLI
    if billed_on == BOOKED:
        return booked_milli
    if billed_on == USED:
        return used_milli
    if billed_on == GREATER:
        return max(booked_milli, used_milli)
    raise ValueError(f"unknown billed_on {billed_on!r}")


def fee_fen(unit_price_fen: int, quantity_milli: int) -> int:
    """``unit price × quantity`` in fen, rounded half up once."""
    return _round_half_up(unit_price_fen * quantity_milli, MILLI)


def late_fee_fen(unit_price_fen: int, booked_milli: int, share_bp: int) -> int:
    """The late-cancellation / no-show fee: ``share_bp`` of the booked price, rounded once."""
    if not 0 <= share_bp <= WHOLE:
        raise ValueError("a share is 0–10,000 basis points")
    return _round_half_up(unit_price_fen * booked_milli * share_bp, MILLI * WHOLE)


@dataclass(frozen=True)
class Price:
    """What an order costs and why (the order page shows each line)."""

    unit: str
    billed_on: str
    unit_price_fen: int
    minimum_charge_fen: int
    booked_milli: int
    used_milli: int
    billed_milli: int
    base_fen: int  # unit price × billed quantity, rounded
    amount_fen: int  # the fee: base, or the minimum charge when that is more
    minimum_applied: bool


def price(
    *,
    unit: str,
    billed_on: str,
    unit_price_fen: int,
    minimum_charge_fen: int,
    booked_milli: int,
    used_milli: int,
) -> Price:
    """The fee of an order under one rate (see the module docstring for the rules)."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    if unit_price_fen < 0 or minimum_charge_fen < 0:
        raise ValueError("prices are never negative")
    billed = billed_quantity(billed_on, booked_milli, used_milli, unit)
    base = fee_fen(unit_price_fen, billed)
    minimum_applied = billed > 0 and base < minimum_charge_fen
    return Price(
        unit=unit,
        billed_on=billed_on,
        unit_price_fen=unit_price_fen,
        minimum_charge_fen=minimum_charge_fen,
        booked_milli=booked_milli,
        used_milli=used_milli,
        billed_milli=billed,
        base_fen=base,
        amount_fen=minimum_charge_fen if minimum_applied else base,
        minimum_applied=minimum_applied,
    )


# --- quantities from times -----------------------------------------------------------------


def hours_milli(seconds: int) -> int:
    """A duration in thousandths of an hour (3.6 s), rounded half up."""
    return _round_half_up(max(seconds, 0) * MILLI, 3600)


def days_milli(seconds: int) -> int:
    """A duration in started 24-hour days (a day rate charges every day begun): 8 h is one
    day, 25 h two — the same rule as the booking quote (selectors/bookings.py)."""
    return -(-max(seconds, 0) // 86_400) * MILLI


def whole_units_milli(count: int) -> int:
    return max(count, 0) * MILLI


def format_quantity(quantity_milli: int) -> str:
    """1500 → '1.5', 2000 → '2', 333 → '0.333' (for pages and exports)."""
    whole, rest = divmod(quantity_milli, MILLI)
    if not rest:
        return str(whole)
    return f"{whole}.{rest:03d}".rstrip("0")


def parse_quantity(text: str) -> int:
    """'1.5' → 1500; at most three decimals; ValueError otherwise (the caller words the
    message for its field)."""
    value = text.strip()
    if not value or not value.isascii():
        raise ValueError(value)
    whole, dot, rest = value.partition(".")
    if not whole.isdigit() or (dot and (not rest.isdigit() or len(rest) > 3)):
        raise ValueError(value)
    if len(whole) > 12:
        raise ValueError(value)
    return int(whole) * MILLI + (int(rest.ljust(3, "0")) if dot else 0)


# --- who pays and who earns ----------------------------------------------------------------


@dataclass(frozen=True)
class Shares:
    """The owner / staff / agency parts of an order's fee (largest-remainder rounding),
    and the staff part among the staff who ran it (equal parts)."""

    owner_fen: int
    staff_fen: int
    agency_fen: int
    per_staff_fen: list[int] = field(default_factory=list)


def shares(amount_fen: int, ratio_bp: Sequence[int], staff_count: int) -> Shares:
    """Split ``amount_fen`` by (owner, staff, agency) basis points; the staff part equally
    among ``staff_count`` people (none: the staff part stays one undivided line)."""
    owner, staff, agency = split_amount(amount_fen, list(ratio_bp))
    per_staff = split_amount(staff, [1] * staff_count) if staff_count > 0 else []
    return Shares(owner_fen=owner, staff_fen=staff, agency_fen=agency, per_staff_fen=per_staff)


def percent(bp: int) -> str:
    """6000 → '60', 3333 → '33.33' (basis points as a percentage)."""
    whole, rest = divmod(bp, 100)
    return str(whole) if not rest else f"{whole}.{rest:02d}".rstrip("0")
