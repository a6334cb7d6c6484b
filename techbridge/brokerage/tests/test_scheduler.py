"""The meeting scheduler: never double-books a participant or a table, places only
accepted requests whose two parties are both available, and places at least as many as
the greedy first-fit baseline (property tests over random inputs)."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techbridge.brokerage.scheduler import Problem, Request, check, greedy_first_fit, schedule


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    people = draw(st.integers(min_value=2, max_value=14))
    slots = draw(st.integers(min_value=1, max_value=8))
    tables = draw(st.integers(min_value=1, max_value=5))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, people - 1), st.integers(0, people - 1)),
            max_size=40,
        )
    )
    availability = draw(
        st.dictionaries(
            st.integers(0, people - 1),
            st.lists(st.integers(-1, slots), max_size=slots + 1),  # out-of-range slots too
            max_size=people,
        )
    )
    slot_tables = draw(
        st.dictionaries(st.integers(0, slots - 1), st.integers(0, tables), max_size=slots)
    )
    requests = [Request(id=i, a=a, b=b) for i, (a, b) in enumerate(pairs)]
    return Problem(
        requests=requests,
        tables=tables,
        slots=slots,
        availability=availability,
        slot_tables=slot_tables,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_no_double_booking_only_available_and_never_worse_than_greedy(problem: Problem) -> None:
    result = schedule(problem, time_budget=0.05)
    baseline = greedy_first_fit(problem)
    assert check(problem, result) == []
    assert check(problem, baseline) == []
    assert result.count >= baseline.count
    assert set(result.placed) | set(result.unplaced) == {r.id for r in problem.requests}
    for request in problem.requests:
        if request.a == request.b:
            assert request.id not in result.placed


def test_check_catches_double_booking() -> None:
    problem = Problem(
        requests=[Request("x", 1, 2), Request("y", 1, 3), Request("z", 4, 5)], tables=1, slots=2
    )
    from techbridge.brokerage.scheduler import Schedule

    same_person = Schedule(placed={"x": (0, 0), "y": (0, 1), "z": (0, 0)}, unplaced=[])
    assert any("table 0 double-booked" in e for e in check(problem, same_person))
    clash = Schedule(placed={"x": (0, 0), "y": (1, 0)}, unplaced=["z"])
    assert any("1 double-booked" in e for e in check(problem, clash))


def test_repair_beats_first_fit_on_a_known_trap() -> None:
    # First-fit puts a–b in slot 0, leaving c–a (only slot 0 in common) without a place;
    # the repair moves a–b to slot 1.
    problem = Problem(
        requests=[Request(1, "a", "b"), Request(2, "c", "a")],
        tables=1,
        slots=2,
        availability={"c": [0]},
    )
    assert greedy_first_fit(problem).count == 1
    result = schedule(problem)
    assert result.count == 2
    assert result.placed[2] == (0, 0) and result.placed[1] == (0, 1)


def test_target_size_within_two_seconds() -> None:
    import random

    rng = random.Random(7)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < 120:
        a, b = rng.randrange(40), rng.randrange(40)
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    gaps = {p: set(rng.sample(range(12), 3)) for p in range(40)}
    availability = {p: [s for s in range(12) if s not in gaps[p]] for p in range(40)}
    problem = Problem(
        requests=[Request(i, a, b) for i, (a, b) in enumerate(sorted(pairs))],
        tables=10,
        slots=12,
        availability=availability,
    )
    start = time.perf_counter()
    result = schedule(problem, time_budget=1.5)
    assert time.perf_counter() - start <= 2.0
    assert check(problem, result) == []
    assert result.count >= greedy_first_fit(problem).count


def _trap_and_triangle() -> Problem:
    """Greedy first-fit places 3; the optimum is 4, below the trivial bound of 5, so only a
    proof (not reaching the bound) can tell that 4 is the best.

    * a–b then c–a where c can only come in slot 0: first-fit puts a–b in slot 0 and has
      no place left for c–a; the optimum moves a–b to slot 1.
    * the triangle x–y, y–z, z–x in two slots: each person meets at most once a slot, so
      at most two of its three meetings fit, whatever the order.
    """
    return Problem(
        requests=[
            Request(1, "a", "b"),
            Request(2, "c", "a"),
            Request(3, "x", "y"),
            Request(4, "y", "z"),
            Request(5, "z", "x"),
        ],
        tables=3,
        slots=2,
        availability={"c": [0]},
    )


def test_solver_proves_the_optimum_where_greedy_falls_short() -> None:
    problem = _trap_and_triangle()
    assert greedy_first_fit(problem).count == 3
    start = time.perf_counter()
    result = schedule(problem, time_budget=5.0)
    elapsed = time.perf_counter() - start
    assert check(problem, result) == []
    assert result.count == 4
    assert result.method == "cp-sat"
    assert result.optimal is True
    assert result.bound == 4
    # A proof, not the time budget, ends the search (import of ortools aside).
    assert elapsed < 2.5
    assert result.placed[2] == (0, 0) and result.placed[1][1] == 1


def test_greedy_fallback_when_the_solver_is_not_installed(monkeypatch) -> None:
    import sys

    # A None entry in sys.modules makes ``import`` raise ImportError, as if not installed.
    for name in ("ortools", "ortools.sat", "ortools.sat.python", "ortools.sat.python.cp_model"):
        monkeypatch.setitem(sys.modules, name, None)
    problem = _trap_and_triangle()
    start = time.perf_counter()
    result = schedule(problem, time_budget=5.0)
    assert time.perf_counter() - start < 1.0  # no search until the budget runs out
    assert result.method == "greedy"
    assert result.optimal is False
    assert check(problem, result) == []
    assert result.count >= greedy_first_fit(problem).count


def test_greedy_fallback_when_the_solver_finds_nothing_in_time() -> None:
    problem = _trap_and_triangle()
    result = schedule(problem, time_budget=0.0)
    assert result.method == "greedy"
    assert check(problem, result) == []
    assert result.count >= greedy_first_fit(problem).count


def _brute_force_optimum(problem: Problem) -> int:
    """Most meetings any schedule can hold, by trying every slot (or none) per request."""
    requests = [r for r in problem.requests if r.a != r.b]
    best = 0

    def go(i: int, placed: int, seats: set, used: dict) -> None:
        nonlocal best
        best = max(best, placed)
        if i == len(requests) or placed + len(requests) - i <= best:
            return
        r = requests[i]
        for s in problem.slots_of(r.a) & problem.slots_of(r.b):
            if (r.a, s) in seats or (r.b, s) in seats or used.get(s, 0) >= problem.capacity(s):
                continue
            seats |= {(r.a, s), (r.b, s)}
            used[s] = used.get(s, 0) + 1
            go(i + 1, placed + 1, seats, used)
            seats -= {(r.a, s), (r.b, s)}
            used[s] -= 1
        go(i + 1, placed, seats, used)

    go(0, 0, set(), {})
    return best


@st.composite
def dense_problems(draw: st.DrawFn) -> Problem:
    """Few people, few slots, many requests: the counting bound is rarely reached, so the
    greedy cannot claim optimality and the solver has to prove it."""
    people = draw(st.integers(min_value=3, max_value=6))
    slots = draw(st.integers(min_value=1, max_value=3))
    tables = draw(st.integers(min_value=1, max_value=3))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, people - 1), st.integers(0, people - 1)),
            min_size=3,
            max_size=9,
            unique=True,
        )
    )
    availability = draw(
        st.dictionaries(
            st.integers(0, people - 1),
            st.lists(st.integers(0, slots - 1), max_size=slots),
            max_size=people,
        )
    )
    return Problem(
        requests=[Request(id=i, a=a, b=b) for i, (a, b) in enumerate(pairs)],
        tables=tables,
        slots=slots,
        availability=availability,
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dense_problems())
def test_a_result_called_optimal_is_the_true_optimum(problem: Problem) -> None:
    result = schedule(problem, time_budget=5.0)
    assert check(problem, result) == []
    optimum = _brute_force_optimum(problem)
    assert result.count == optimum
    assert result.optimal is True
    assert result.bound == optimum
