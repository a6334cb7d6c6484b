"""Fitting accepted bilateral meeting requests into tables × time slots (供需对接会 排期).

Plain Python, no Django: the services translate rows into a ``Problem`` and the result
back into Meeting rows.

The problem: every request is an edge between two participants; give as many edges as
possible a slot such that

* both participants are available in that slot,
* no participant has two meetings in one slot,
* a slot holds at most ``tables`` meetings (tables are interchangeable, so a table
  number is given per slot once the slots are fixed).

This is a capacitated edge-colouring problem (NP-hard in general). ``schedule`` does a
greedy pass in most-constrained-first order, then repairs with ejection chains: an
unplaced edge takes a slot, the meetings it displaces move to other slots, recursively
to a small depth, and the chain is kept only when every displaced meeting found a new
place — so the number placed never goes down. The same repair runs from the plain
greedy first-fit result (``greedy_first_fit``, the baseline); the better of the two is
then perturbed (force an unplaced meeting in, repair, keep if not worse) until the time
budget runs out or nothing improves for a while. It never places fewer meetings than
the baseline.
"""

from __future__ import annotations

import random
import time
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
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
    """``placed[request id] = (table, slot)``; ``unplaced`` lists the rest in input order."""

    placed: dict[RequestId, tuple[int, int]]
    unplaced: list[RequestId]

    @property
    def count(self) -> int:
        return len(self.placed)


class _State:
    """Slots of placed requests with O(1) conflict lookups and an undo journal."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.slot_of: dict[int, int] = {}
        self.busy: dict[tuple[Participant, int], int] = {}
        self.members: list[set[int]] = [set() for _ in range(problem.slots)]
        self.journal: list[tuple[str, int, int]] = []
        self.capacity = [problem.capacity(s) for s in range(problem.slots)]

    def place(self, e: int, s: int) -> None:
        r = self.problem.requests[e]
        self.slot_of[e] = s
        self.busy[(r.a, s)] = e
        self.busy[(r.b, s)] = e
        self.members[s].add(e)
        self.journal.append(("place", e, s))

    def remove(self, e: int) -> None:
        r = self.problem.requests[e]
        s = self.slot_of.pop(e)
        del self.busy[(r.a, s)]
        del self.busy[(r.b, s)]
        self.members[s].discard(e)
        self.journal.append(("remove", e, s))

    def undo_to(self, mark: int) -> None:
        while len(self.journal) > mark:
            op, e, s = self.journal.pop()
            r = self.problem.requests[e]
            if op == "place":
                del self.slot_of[e]
                del self.busy[(r.a, s)]
                del self.busy[(r.b, s)]
                self.members[s].discard(e)
            else:
                self.slot_of[e] = s
                self.busy[(r.a, s)] = e
                self.busy[(r.b, s)] = e
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


def _result(problem: Problem, state: _State) -> Schedule:
    placed: dict[RequestId, tuple[int, int]] = {}
    for s, members in enumerate(state.members):
        for table, e in enumerate(sorted(members)):
            placed[problem.requests[e].id] = (table, s)
    unplaced = [r.id for r in problem.requests if r.id not in placed]
    return Schedule(placed=placed, unplaced=unplaced)


def greedy_first_fit(problem: Problem) -> Schedule:
    """Baseline: requests in input order, each into the first slot that fits."""
    state = _State(problem)
    for e, slots in _feasible(problem).items():
        for s in slots:
            if state.free(e, s):
                state.place(e, s)
                break
    return _result(problem, state)


def _insert(
    state: _State,
    e: int,
    feasible: dict[int, list[int]],
    depth: int,
    tabu: set[int],
    rng: random.Random,
    deadline: float,
) -> bool:
    """Place ``e``, displacing at most a few meetings that are re-placed recursively.
    On failure the state is exactly as before."""
    slots = feasible[e]
    r = state.problem.requests[e]
    # Cheapest first: slots that need no ejection, then those displacing fewest meetings.
    order = sorted(
        slots,
        key=lambda s: (
            ((r.a, s) in state.busy) + ((r.b, s) in state.busy),
            len(state.members[s]),
            rng.random(),
        ),
    )
    for s in order:
        if state.free(e, s):
            state.place(e, s)
            return True
    if depth == 0 or time.perf_counter() > deadline:
        return False
    for s in order:
        blockers = {state.busy.get((r.a, s)), state.busy.get((r.b, s))} - {None}
        options: list[set[int]]
        if blockers:
            options = [blockers]  # type: ignore[list-item]
        else:
            # The slot is full: displace one meeting whose move might succeed.
            movable = [m for m in state.members[s] if m not in tabu]
            rng.shuffle(movable)
            options = [{m} for m in movable[:3]]
        for displaced in options:
            if displaced & tabu:
                continue
            mark = len(state.journal)
            for d in displaced:
                state.remove(d)
            if not state.free(e, s):
                state.undo_to(mark)
                continue
            state.place(e, s)
            inner_tabu = tabu | displaced | {e}
            if all(
                _insert(state, d, feasible, depth - 1, inner_tabu, rng, deadline)
                for d in sorted(displaced, key=lambda x: len(feasible[x]))
            ):
                return True
            state.undo_to(mark)
    return False


def _improve(
    problem: Problem,
    state: _State,
    feasible: dict[int, list[int]],
    deadline: float,
    rng: random.Random,
    max_depth: int,
) -> None:
    grid = sum(problem.capacity(s) for s in range(problem.slots))
    bound = min(sum(1 for e in feasible if feasible[e]), grid)
    for depth in range(1, max_depth + 1):
        improved = True
        while improved and time.perf_counter() < deadline:
            if len(state.slot_of) >= bound:
                return
            improved = False
            unplaced = [e for e in feasible if e not in state.slot_of and feasible[e]]
            rng.shuffle(unplaced)
            for e in unplaced:
                if time.perf_counter() > deadline:
                    return
                state.journal.clear()
                if _insert(state, e, feasible, depth, set(), rng, deadline):
                    improved = True
            state.journal.clear()


def _perturb(
    problem: Problem,
    state: _State,
    feasible: dict[int, list[int]],
    deadline: float,
    rng: random.Random,
    max_depth: int,
    patience: int = 300,
) -> None:
    """Kick: force an unplaced request into a random slot, evicting whatever is in the
    way, then repair. Kept if no worse (sideways moves let the search drift), undone
    otherwise. Stops at the deadline or after ``patience`` kicks without a gain."""
    grid = sum(problem.capacity(s) for s in range(problem.slots))
    bound = min(sum(1 for e in feasible if feasible[e]), grid)
    idle = 0
    while idle < patience and time.perf_counter() < deadline and len(state.slot_of) < bound:
        unplaced = [e for e in feasible if e not in state.slot_of and feasible[e]]
        if not unplaced:
            return
        before = len(state.slot_of)
        state.journal.clear()
        e = rng.choice(unplaced)
        s = rng.choice(feasible[e])
        r = problem.requests[e]
        evicted = {state.busy.get((r.a, s)), state.busy.get((r.b, s))} - {None}
        for d in evicted:
            state.remove(d)  # type: ignore[arg-type]
        if not state.free(e, s):
            members = list(state.members[s])
            victim = rng.choice(members)
            state.remove(victim)
            evicted.add(victim)
        state.place(e, s)
        for d in evicted:
            mark = len(state.journal)
            if not _insert(state, d, feasible, max_depth, {e}, rng, deadline):  # type: ignore[arg-type]
                state.undo_to(mark)
        for other in [x for x in feasible if x not in state.slot_of and feasible[x]]:
            mark = len(state.journal)
            if not _insert(state, other, feasible, 2, set(), rng, deadline):
                state.undo_to(mark)
        after = len(state.slot_of)
        if after < before:
            state.undo_to(0)
            idle += 1
        elif after == before:
            idle += 1
        else:
            idle = 0
    state.journal.clear()


def schedule(
    problem: Problem, *, time_budget: float = 1.0, seed: int = 0, max_depth: int = 4
) -> Schedule:
    """Place as many requests as possible (see the module docstring); deterministic for
    a given seed when the time budget is not reached."""
    deadline = time.perf_counter() + max(0.0, time_budget)
    rng = random.Random(seed)
    feasible = _feasible(problem)
    degree: dict[Participant, int] = {}
    for e in feasible:
        r = problem.requests[e]
        degree[r.a] = degree.get(r.a, 0) + 1
        degree[r.b] = degree.get(r.b, 0) + 1

    # Most constrained first: fewest common slots, then busiest participants.
    order = sorted(
        feasible,
        key=lambda e: (
            len(feasible[e]),
            -(degree[problem.requests[e].a] + degree[problem.requests[e].b]),
            e,
        ),
    )
    candidates = []
    state = _State(problem)
    for e in order:
        # Least-used feasible slot spreads meetings and leaves room for later requests.
        fits = [s for s in feasible[e] if state.free(e, s)]
        if fits:
            state.place(e, min(fits, key=lambda s: (len(state.members[s]), s)))
    state.journal.clear()
    third = time.perf_counter() + (deadline - time.perf_counter()) / 3
    _improve(problem, state, feasible, third, rng, max_depth)
    candidates.append(state)

    baseline = _State(problem)
    for e, slots in feasible.items():
        for s in slots:
            if baseline.free(e, s):
                baseline.place(e, s)
                break
    baseline.journal.clear()
    third = time.perf_counter() + (deadline - time.perf_counter()) / 2
    _improve(problem, baseline, feasible, third, rng, max_depth)
    candidates.append(baseline)

    best = max(candidates, key=lambda st: len(st.slot_of))
    _perturb(problem, best, feasible, deadline, rng, max_depth)
    return _result(problem, best)


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
