"""Matchmaking-meeting scheduler: meetings placed and time, against greedy first-fit.

Usage: .venv/bin/python benchmarks/bench_scheduler.py [--seeds 10] [--budget 1.5]

Each seed builds 120 distinct accepted requests among 40 participants for 10 tables × 12
slots; every participant is unavailable for a random 2–5 slots (so the problem is not
trivial) and requests lean towards a few popular participants, as at a real meeting.
Prints, per seed, the meetings placed by techbridge.brokerage.scheduler.schedule and by
the greedy first-fit baseline on the same input, an upper bound, and the scheduler's
wall time. Target: every run ≤ 2 s and placed ≥ baseline.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from techbridge.brokerage.scheduler import (  # noqa: E402
    Problem,
    Request,
    check,
    greedy_first_fit,
    schedule,
)

PARTICIPANTS, REQUESTS, TABLES, SLOTS = 40, 120, 10, 12
TIME_TARGET = 2.0


def make_problem(seed: int) -> Problem:
    rng = random.Random(seed)
    people = list(range(PARTICIPANTS))
    weights = [3 if p < 8 else 1 for p in people]  # a few popular exhibitors
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < REQUESTS:
        a = rng.choices(people, weights)[0]
        b = rng.choice(people)
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    requests = [Request(id=i, a=a, b=b) for i, (a, b) in enumerate(sorted(pairs))]
    rng.shuffle(requests)
    availability = {}
    for p in people:
        gaps = set(rng.sample(range(SLOTS), rng.randint(2, 5)))
        availability[p] = [s for s in range(SLOTS) if s not in gaps]
    return Problem(requests=requests, tables=TABLES, slots=SLOTS, availability=availability)


def upper_bound(problem: Problem) -> int:
    """No more than the requests with a common slot, nor than the grid."""
    usable = sum(1 for r in problem.requests if problem.slots_of(r.a) & problem.slots_of(r.b))
    return min(usable, problem.tables * problem.slots)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=float, default=1.5, help="scheduler time budget (s)")
    args = parser.parse_args()
    print(
        f"{REQUESTS} accepted requests, {PARTICIPANTS} participants, "
        f"{TABLES} tables x {SLOTS} slots, availability gaps 2-5 slots each"
    )
    print(f"{'seed':>4} {'bound':>6} {'greedy':>7} {'schedule':>9} {'gain':>5} {'time s':>7}")
    worst, ok = 0.0, True
    totals = [0, 0]
    for seed in range(args.seeds):
        problem = make_problem(seed)
        base = greedy_first_fit(problem)
        start = time.perf_counter()
        result = schedule(problem, time_budget=args.budget, seed=seed)
        elapsed = time.perf_counter() - start
        errors = check(problem, result)
        worst = max(worst, elapsed)
        ok = ok and not errors and result.count >= base.count and elapsed <= TIME_TARGET
        totals[0] += base.count
        totals[1] += result.count
        print(
            f"{seed:>4} {upper_bound(problem):>6} {base.count:>7} {result.count:>9} "
            f"{result.count - base.count:>+5} {elapsed:>7.3f}" + (" INVALID" if errors else "")
        )
    print(
        f"total: greedy {totals[0]}, schedule {totals[1]} "
        f"({totals[1] - totals[0]:+d}); slowest {worst:.3f} s (target <= {TIME_TARGET} s)"
    )
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
