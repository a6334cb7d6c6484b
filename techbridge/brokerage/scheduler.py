"""Fitting accepted bilateral meeting requests into tables × time slots (供需对接会 排期).

Plain Python, no Django: the services translate rows into a ``Problem`` and the result
back into Meeting rows.

The problem: every request is an edge between two participants; give as many edges as
possible a slot such that

* both participants are available in that slot,
* no participant has two meetings in one slot,
* a slot holds at most ``tables`` meetings (tables are interchangeable, so a table
  number is given per slot once the slots are fixed).

This is a capacitated edge-colouring problem (NP-hard in general, small in practice).
``schedule`` takes the better of two greedy passes (input-order first-fit, the baseline,
and most-constrained-first), rounds the linear relaxation (GLOP) when that is better, and
hands the best as a hint to the CP-SAT solver of OR-Tools, a 0/1 model with one variable
per request and common slot. The result carries the lowest proven upper bound, so it is
marked optimal only when it is proven to be (ADR 0005). When OR-Tools is not installed,
or the time budget runs out before the solver answers, the best greedy result is
returned: the scheduler never places fewer meetings than the greedy first-fit baseline.
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

Participant = Hashable
RequestId = Hashable


@dataclass(frozen=True)
class Request:
    id: RequestId
    a: Participant
    b: Participant


@dataclass
class Problem:
    """``availability[p]`` is the set of slots participant p can attend; a participant
    missing from the mapping is available in every slot."""

    requests: list[Request]
    tables: int
    slots: int
    availability: Mapping[Any, Iterable[int]] = field(default_factory=dict)
    #: Tables free in a slot when fewer than ``tables`` (some already taken).
    slot_tables: Mapping[int, int] = field(default_factory=dict)

    def capacity(self, slot: int) -> int:
        return min(self.tables, self.slot_tables.get(slot, self.tables))

    def slots_of(self, participant: Participant) -> frozenset[int]:
        if participant in self.availability:
            return frozenset(s for s in self.availability[participant] if 0 <= s < self.slots)
        return frozenset(range(self.slots))


@dataclass
class Schedule:
    """``placed[request id] = (table, slot)``; ``unplaced`` lists the rest in input order.

    ``method`` says who placed them ("cp-sat", "lp" for the rounded linear relaxation, or
    "greedy"); ``bound`` is the most meetings any schedule could place, as far as proven
    (the solver's bound, the relaxation's, or a count of requests and tables, whichever
    is lowest); ``optimal`` is true when ``count`` reaches it."""

    placed: dict[RequestId, tuple[int, int]]
    unplaced: list[RequestId]
    method: str = "greedy"
    bound: int | None = None
    optimal: bool = False

    @property
    def count(self) -> int:
        return len(self.placed)


class _State:
    """Slots of placed requests with O(1) conflict lookups (for the greedy passes)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.slot_of: dict[int, int] = {}
        self.busy: set[tuple[Participant, int]] = set()
        self.members: list[set[int]] = [set() for _ in range(problem.slots)]
        self.capacity = [problem.capacity(s) for s in range(problem.slots)]

    def place(self, e: int, s: int) -> None:
        r = self.problem.requests[e]
        self.slot_of[e] = s
        self.busy.add((r.a, s))
        self.busy.add((r.b, s))
        self.members[s].add(e)

    def free(self, e: int, s: int) -> bool:
        r = self.problem.requests[e]
        return (
            (r.a, s) not in self.busy
            and (r.b, s) not in self.busy
            and len(self.members[s]) < self.capacity[s]
        )


def _valid_requests(problem: Problem) -> list[int]:
    """Indexes of requests that can be placed at all (two different participants)."""
    seen: set[RequestId] = set()
    out = []
    for i, r in enumerate(problem.requests):
        if r.a == r.b or r.id in seen:
            continue
        seen.add(r.id)
        out.append(i)
    return out


def _feasible(problem: Problem) -> dict[int, list[int]]:
    cache: dict[Participant, frozenset[int]] = {}

    def slots(p: Participant) -> frozenset[int]:
        if p not in cache:
            cache[p] = problem.slots_of(p)
        return cache[p]

    open_slots = frozenset(s for s in range(problem.slots) if problem.capacity(s) > 0)
    return {
        i: sorted(slots(problem.requests[i].a) & slots(problem.requests[i].b) & open_slots)
        for i in _valid_requests(problem)
    }


def _counting_bound(problem: Problem, feasible: dict[int, list[int]]) -> int:
    """No more than the requests with a common slot, nor than the grid."""
    grid = sum(problem.capacity(s) for s in range(problem.slots))
    return min(sum(1 for slots in feasible.values() if slots), grid)


def _result(
    problem: Problem, slot_of: Mapping[int, int], *, method: str, bound: int
) -> Schedule:
    by_slot: dict[int, list[int]] = {}
    for e, s in slot_of.items():
        by_slot.setdefault(s, []).append(e)
    placed: dict[RequestId, tuple[int, int]] = {}
    for s, members in sorted(by_slot.items()):
        for table, e in enumerate(sorted(members)):
            placed[problem.requests[e].id] = (table, s)
    unplaced = [r.id for r in problem.requests if r.id not in placed]
    return Schedule(
        placed=placed,
        unplaced=unplaced,
        method=method,
        bound=bound,
        optimal=len(placed) >= bound,
    )


def _first_fit(problem: Problem, feasible: dict[int, list[int]]) -> dict[int, int]:
    state = _State(problem)
    for e, slots in feasible.items():
        for s in slots:
            if state.free(e, s):
                state.place(e, s)
                break
    return state.slot_of


def _most_constrained_first(problem: Problem, feasible: dict[int, list[int]]) -> dict[int, int]:
    """Fewest common slots first, then busiest participants; each into its least-used
    feasible slot, which spreads meetings and leaves room for later requests."""
    degree: dict[Participant, int] = {}
    for e in feasible:
        r = problem.requests[e]
        degree[r.a] = degree.get(r.a, 0) + 1
        degree[r.b] = degree.get(r.b, 0) + 1
    order = sorted(
        feasible,
        key=lambda e: (
            len(feasible[e]),
            -(degree[problem.requests[e].a] + degree[problem.requests[e].b]),
            e,
        ),
    )
    state = _State(problem)
    for e in order:
        fits = [s for s in feasible[e] if state.free(e, s)]
        if fits:
            state.place(e, min(fits, key=lambda s: (len(state.members[s]), s)))
    return state.slot_of


def greedy_first_fit(problem: Problem) -> Schedule:
    """Baseline: requests in input order, each into the first slot that fits."""
    feasible = _feasible(problem)
    return _result(
        problem,
        _first_fit(problem, feasible),
        method="greedy",
        bound=_counting_bound(problem, feasible),
    )


def _cp_model() -> ModuleType | None:
    """OR-Tools' CP-SAT module, or None when it cannot be imported (the greedy is used)."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        return None
    return cp_model


def _lp_rounded(
    problem: Problem, feasible: dict[int, list[int]], *, seconds: float
) -> tuple[dict[int, int], int | None]:
    """Place requests in the order of their value in the linear relaxation (GLOP), and
    the relaxation's optimum rounded down: an upper bound on the count.

    On large events the relaxation is nearly integral and its rounding is within a few
    meetings of the optimum, far better than either greedy; CP-SAT run on one thread
    starts from its hint and improves it only slowly, so a good hint is what makes a short
    budget worth having (ADR 0005). ``({}, None)`` when the LP solver is missing or runs
    out of time."""
    try:
        from ortools.linear_solver import pywraplp
    except ImportError:
        return {}, None
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return {}, None
    lp.SetTimeLimit(max(1, int(seconds * 1000)))
    x: dict[tuple[int, int], Any] = {}
    rows: dict[Any, Any] = {}

    def row(key: Any, upper: int) -> Any:
        if key not in rows:
            rows[key] = lp.RowConstraint(0, upper, "")
        return rows[key]

    objective = lp.Objective()
    for e, slots in feasible.items():
        r = problem.requests[e]
        for s in slots:
            var = x[(e, s)] = lp.NumVar(0.0, 1.0, "")
            objective.SetCoefficient(var, 1)
            for key, upper in (
                (("request", e), 1),
                (("seat", r.a, s), 1),
                (("seat", r.b, s), 1),
                (("slot", s), problem.capacity(s)),
            ):
                row(key, upper).SetCoefficient(var, 1)
    objective.SetMaximization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return {}, None
    state = _State(problem)
    ranked = sorted(x.items(), key=lambda kv: (-kv[1].solution_value(), kv[0]))
    for (e, s), _var in ranked:
        if e not in state.slot_of and state.free(e, s):
            state.place(e, s)
    return state.slot_of, math.floor(objective.Value() + 1e-6)


def _solve(
    problem: Problem,
    feasible: dict[int, list[int]],
    hint: Mapping[int, int],
    *,
    deadline: float,
    seed: int,
    workers: int,
) -> tuple[dict[int, int] | None, int | None]:
    """Best placement CP-SAT found before ``deadline`` (None if none) and its proven upper
    bound on the number placed (None if it proved nothing)."""
    cp_model = _cp_model()
    if cp_model is None:
        return None, None
    model = cp_model.CpModel()
    x: dict[tuple[int, int], Any] = {}
    by_seat: dict[tuple[Participant, int], list[Any]] = {}
    by_slot: dict[int, list[Any]] = {}
    for e, slots in feasible.items():
        r = problem.requests[e]
        for s in slots:
            var = model.new_bool_var(f"x{e}_{s}")
            x[(e, s)] = var
            by_seat.setdefault((r.a, s), []).append(var)
            by_seat.setdefault((r.b, s), []).append(var)
            by_slot.setdefault(s, []).append(var)
            model.add_hint(var, hint.get(e) == s)
        if len(slots) > 1:
            model.add_at_most_one(x[(e, s)] for s in slots)  # one meeting per request
    for seat in by_seat.values():
        if len(seat) > 1:
            model.add_at_most_one(seat)  # nobody in two meetings at once
    for s, members in by_slot.items():
        if len(members) > problem.capacity(s):
            model.add(cp_model.LinearExpr.sum(members) <= problem.capacity(s))  # tables
    model.maximize(cp_model.LinearExpr.sum(list(x.values())))
    seconds = deadline - time.perf_counter()
    if seconds <= 0:
        return None, None
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None
    # The bound comes from the linear relaxation (a float); a count is an integer.
    bound = math.floor(solver.best_objective_bound + 1e-6)
    slot_of = {e: s for (e, s), var in x.items() if solver.boolean_value(var)}
    return slot_of, bound


def schedule(
    problem: Problem, *, time_budget: float = 1.0, seed: int = 0, workers: int = 1
) -> Schedule:
    """Place as many requests as possible (see the module docstring) within about
    ``time_budget`` seconds of wall time, OR-Tools' import included. ``workers`` are CP-SAT
    search threads; with one worker the result is deterministic for a given seed unless
    the budget runs out."""
    deadline = time.perf_counter() + max(0.0, time_budget)
    feasible = _feasible(problem)
    bound = _counting_bound(problem, feasible)
    best = max(
        (_most_constrained_first(problem, feasible), _first_fit(problem, feasible)), key=len
    )
    method = "greedy"
    # Stop as soon as the best is proven: nothing to search for.
    if len(best) >= bound or _cp_model() is None or time.perf_counter() >= deadline:
        return _result(problem, best, method=method, bound=bound)
    # At most a third of what is left for the relaxation; the rest is the solver's.
    rounded, relaxed = _lp_rounded(
        problem, feasible, seconds=(deadline - time.perf_counter()) / 3
    )
    if relaxed is not None:
        bound = min(bound, relaxed)
    if len(rounded) > len(best):
        best, method = rounded, "lp"
    if len(best) >= bound:
        return _result(problem, best, method=method, bound=bound)
    solved, proven = _solve(problem, feasible, best, deadline=deadline, seed=seed, workers=workers)
    if proven is not None:
        bound = min(bound, proven)
    if solved is not None and len(solved) >= len(best):
        best, method = solved, "cp-sat"
    return _result(problem, best, method=method, bound=bound)


def check(problem: Problem, result: Schedule) -> list[str]:
    """Every rule the schedule must keep, as messages (empty = valid). Used by the tests
    and by the service before it writes anything."""
    errors = []
    by_id = {r.id: r for r in problem.requests}
    tables_used: set[tuple[int, int]] = set()
    seats: set[tuple[Participant, int]] = set()
    for rid, (table, slot) in result.placed.items():
        r = by_id.get(rid)
        if r is None:
            errors.append(f"unknown request {rid!r}")
            continue
        if not (0 <= slot < problem.slots and 0 <= table < problem.capacity(slot)):
            errors.append(f"request {rid!r} outside the grid")
        if (table, slot) in tables_used:
            errors.append(f"table {table} double-booked in slot {slot}")
        tables_used.add((table, slot))
        for p in (r.a, r.b):
            if slot not in problem.slots_of(p):
                errors.append(f"{p!r} not available in slot {slot}")
            if (p, slot) in seats:
                errors.append(f"{p!r} double-booked in slot {slot}")
            seats.add((p, slot))
    return errors
