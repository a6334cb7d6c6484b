"""Order pricing (sharing/pricing.py): the integer-fen fee of N random orders, next to a
baseline measured in the same run — the same fees computed with ``Decimal`` arithmetic
(price × quantity, ``quantize(ROUND_HALF_UP)``), the way a reviewer would check them by
hand. Prints both timings and the number of orders where the two disagree (must be 0),
plus the owner / staff / agency split of every fee adding up to the fen.

Usage:

    .venv/bin/python benchmarks/bench_sharing_orders.py              # 100,000 orders
    .venv/bin/python benchmarks/bench_sharing_orders.py --orders 20000

Plain Python (no database): pricing.py and split.py import no Django.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from techbridge.sharing import pricing
from techbridge.sharing.split import split_amount

FEN = Decimal("0.01")


def _orders(n: int, seed: int) -> list[tuple[str, str, int, int, int, int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        unit = rng.choice(pricing.UNITS)
        out.append(
            (
                unit,
                rng.choice(pricing.BILLED_ON),
                rng.randint(0, 5_000_00),  # up to 5,000.00 yuan per unit
                rng.choice([0, 0, 5000, 10000]),
                rng.randint(0, 12_000),  # up to 12 units, in thousandths
                rng.randint(0, 12_000),
            )
        )
    return out


def _baseline(order: tuple[str, str, int, int, int, int]) -> int:
    unit, billed_on, price, minimum, booked, used = order
    if unit == "flat":
        quantity = Decimal(1)
    else:
        milli = {"booked": booked, "used": used, "greater": max(booked, used)}[billed_on]
        quantity = Decimal(milli) / 1000
    fee = (Decimal(price) / 100 * quantity).quantize(FEN, rounding=ROUND_HALF_UP)
    if quantity and fee < Decimal(minimum) / 100:
        fee = Decimal(minimum) / 100
    return int(fee * 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    orders = _orders(args.orders, args.seed)

    began = time.perf_counter()
    fees = [
        pricing.price(
            unit=u, billed_on=b, unit_price_fen=p, minimum_charge_fen=m, booked_milli=bk,
            used_milli=us,
        ).amount_fen
        for u, b, p, m, bk, us in orders
    ]
    ours = time.perf_counter() - began

    began = time.perf_counter()
    expected = [_baseline(order) for order in orders]
    baseline = time.perf_counter() - began

    mismatches = sum(1 for a, b in zip(fees, expected, strict=True) if a != b)
    began = time.perf_counter()
    split_errors = sum(1 for fee in fees if sum(split_amount(fee, [6000, 2500, 1500])) != fee)
    splitting = time.perf_counter() - began

    print(f"orders priced: {len(orders):,}")
    each = 1e6 / len(orders)
    print(f"pricing.price (integer fen):        {ours:8.3f} s  ({ours * each:.1f} µs each)")
    print(f"baseline Decimal ROUND_HALF_UP:     {baseline:8.3f} s  ({baseline * each:.1f} µs each)")
    print(f"fees that differ from the baseline: {mismatches}")
    print(f"60/25/15 splits not adding up:      {split_errors}  ({splitting:.3f} s)")
    print(f"total of all fees: {Decimal(sum(fees)) / 100:,.2f} yuan")
    if mismatches or split_errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
