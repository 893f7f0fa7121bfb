"""Exact, conflict-safe assignment: prune, solve, prove, widen where the proof fails.

1. Each application keeps its best ``candidates`` eligible reviewers (and, when countries are
   mixed, its best few from outside its countries).
2. OR-tools solves max-flow-min-cost on that pruned network.
3. ``certify`` checks every other eligible pair against the solution's potentials. If none could
   improve it, the assignment is optimal over all pairs; otherwise the failing pairs (each
   application's most improving few, for the first rounds) join the network and we solve again.

With ``fairness`` a bottleneck step first finds the highest affinity floor at which the pool still
gives as many reviews as without a floor (and, when countries are mixed, as many applications an
outside reviewer), and pairs below it are left out. The search runs on the pruned pairs, and every
"no" it gets there is proven over all eligible pairs (a minimum cut that no left-out pair crosses,
or a certified solve) or else the pruned set is widened, so the floor is the best over all pairs.
"""

from __future__ import annotations

from dataclasses import replace
from time import perf_counter

import numpy as np

from grants.reviews.matching.certify import crowded, lowest_per_row, potentials, violating_pairs
from grants.reviews.matching.flow import FlowNetwork, max_flow_cut
from grants.reviews.matching.problem import MatchingOptions, MatchingProblem, MatchingResult

CHUNK_ROWS = 2048
MAX_ROUNDS = 50
# Rounds in which only each application's most improving pairs join the network; after them, all.
LIMITED_ROUNDS = 10


def solve_assignment(problem: MatchingProblem, options: MatchingOptions | None = None) -> MatchingResult:
    options = options or MatchingOptions()
    timings: dict[str, float] = {}
    started = perf_counter()
    allowed = problem.eligible & (problem.demand[:, None] > 0) & (problem.capacity[None, :] > 0)
    candidate = best_candidates(problem, allowed, options)
    if options.spread_shortfall:
        # Spreading only matters when the pool cannot give every review; a proven maximum flow
        # says whether it can, and a full call then keeps the smaller costs (a faster solve).
        carried = _proven_max_flow(_Pairs(problem, candidate), allowed, None, max(options.candidates, 1))
        options = replace(options, spread_shortfall=carried < int(problem.demand.sum()))
    timings["graph"] = perf_counter() - started

    floor = None
    if options.fairness:
        started = perf_counter()
        floor = _bottleneck(problem, candidate, allowed, options)
        if floor is not None:
            allowed &= problem.affinity >= floor
            candidate &= allowed
        timings["fairness"] = perf_counter() - started

    timings["solve"] = timings["certify"] = 0.0
    network, flows, certified, rounds = _solve_certified(problem, candidate, allowed, options, timings)
    used = flows[network.pair_arcs] > 0
    apps, reviewers = network.app_index[used], network.reviewer_index[used]
    assigned = np.bincount(apps, minlength=problem.applications)
    return MatchingResult(
        app_index=apps,
        reviewer_index=reviewers,
        shortfall=problem.demand - assigned,
        certified=certified,
        rounds=rounds,
        floor=floor,
        timings=timings,
    )


def _solve_certified(
    problem: MatchingProblem,
    candidate: np.ndarray,
    allowed: np.ndarray,
    options: MatchingOptions,
    timings: dict[str, float] | None = None,
    first: tuple[FlowNetwork, np.ndarray] | None = None,
) -> tuple[FlowNetwork, np.ndarray, bool, int]:
    """Solve on ``candidate`` (widened in place) until optimal over ``allowed`` or out of rounds;
    ``first`` is a solve of ``candidate`` already made."""
    timings = timings if timings is not None else {"solve": 0.0, "certify": 0.0}
    limit = max(options.candidates, 1)
    for rounds in range(1, MAX_ROUNDS + 1):
        started = perf_counter()
        if rounds == 1 and first is not None:
            network, flows = first
        else:
            network = FlowNetwork.build(problem, candidate, options.mix_countries, options.spread_shortfall)
            flows = network.solve()
        timings["solve"] += perf_counter() - started
        started = perf_counter()
        violations = violating_pairs(
            network,
            potentials(network, flows),
            allowed,
            candidate,
            limit if rounds <= LIMITED_ROUNDS else None,
        )
        timings["certify"] += perf_counter() - started
        if not violations.any():
            return network, flows, True, rounds
        candidate |= violations
    return network, flows, False, MAX_ROUNDS


def best_candidates(problem: MatchingProblem, allowed: np.ndarray, options: MatchingOptions) -> np.ndarray:
    """Each application's best allowed reviewers, as a boolean mask over all pairs."""
    candidate = np.zeros(allowed.shape, dtype=bool)
    for start in range(0, problem.applications, CHUNK_ROWS):
        rows = slice(start, start + CHUNK_ROWS)
        _mark_best(candidate[rows], problem.affinity[rows], allowed[rows], options.candidates)
        if options.mix_countries and problem.foreign is not None:
            _mark_best(
                candidate[rows],
                problem.affinity[rows],
                allowed[rows] & problem.foreign[rows],
                options.foreign_candidates,
            )
    return candidate


def _mark_best(candidate: np.ndarray, affinity: np.ndarray, allowed: np.ndarray, count: int) -> None:
    if count <= 0 or not affinity.size:
        return
    scores = np.where(allowed, affinity, -1.0)
    count = min(count, scores.shape[1])
    best = np.argpartition(-scores, count - 1, axis=1)[:, :count]
    rows = np.arange(scores.shape[0])[:, None]
    candidate[rows, best] |= allowed[rows, best]


def bottleneck_floor(problem: MatchingProblem, candidate: np.ndarray) -> float | None:
    """The highest affinity floor that still lets the candidate pairs carry the most reviews."""
    return _count_bottleneck(problem, candidate.copy(), candidate, MatchingOptions().candidates)


def _bottleneck(
    problem: MatchingProblem, candidate: np.ndarray, allowed: np.ndarray, options: MatchingOptions
) -> float | None:
    """The fairness floor over all ``allowed`` pairs; ``candidate`` is widened in place."""
    floor = _count_bottleneck(problem, candidate, allowed, max(options.candidates, 1))
    mixing = options.mix_countries and problem.foreign is not None
    if floor is None or not (mixing or options.spread_shortfall):
        return floor
    return _mixed_bottleneck(problem, candidate, allowed, options, floor)


class _Pairs:
    """The candidate pairs as arrays, kept in step with the boolean mask."""

    def __init__(self, problem: MatchingProblem, mask: np.ndarray) -> None:
        self.problem = problem
        self.mask = mask
        self.refresh()

    def refresh(self) -> None:
        self.apps, self.reviewers = np.nonzero(self.mask)
        self.values = self.problem.affinity[self.apps, self.reviewers]

    def levels(self, low: float, high: float) -> np.ndarray:
        """The distinct candidate affinities strictly between ``low`` and ``high``."""
        return np.unique(self.values[(self.values > low) & (self.values < high)])


def _above(problem: MatchingProblem, value: float) -> float:
    """The smallest floor that excludes ``value`` itself (the next representable affinity)."""
    dtype = problem.affinity.dtype if problem.affinity.dtype.kind == "f" else np.float64
    return float(np.nextafter(np.asarray(value, dtype=dtype), np.inf))


def _proven_max_flow(
    pairs: _Pairs, allowed: np.ndarray, floor: float | None, limit: int, target: int | None = None
) -> int:
    """The most reviews the ``allowed`` pairs at or above ``floor`` can carry (or ``target``, once
    the candidates reach it), found on the candidates and proven by a minimum cut that no other
    such pair crosses; pairs that do cross are added to the candidates (each application's best
    ``limit``) and the flow is redone."""
    problem = pairs.problem
    reviewers_n = problem.reviewers
    while True:
        keep = slice(None) if floor is None else pairs.values >= floor
        value, reached = max_flow_cut(problem, pairs.apps[keep], pairs.reviewers[keep])
        if target is not None and value >= target:
            return value
        reviewers = np.flatnonzero(reached[1 : 1 + reviewers_n])
        apps = np.flatnonzero(~reached[1 + reviewers_n : 1 + reviewers_n + problem.applications])
        if not len(reviewers) or not len(apps):
            return value
        found_apps, found_reviewers = [], []
        for start in range(0, len(apps), CHUNK_ROWS):
            block = apps[start : start + CHUNK_ROWS]
            grid = np.ix_(block, reviewers)
            affinity = problem.affinity[grid]
            crossing = allowed[grid] & ~pairs.mask[grid]
            if floor is not None:
                crossing &= affinity >= floor
            if crowded(crossing, limit):
                crossing = lowest_per_row(crossing, -affinity, limit)
            rows, cols = np.nonzero(crossing)
            found_apps.append(block[rows])
            found_reviewers.append(reviewers[cols])
        found = np.concatenate(found_apps), np.concatenate(found_reviewers)
        if not len(found[0]):
            return value
        pairs.mask[found] = True
        pairs.refresh()


def _count_bottleneck(
    problem: MatchingProblem, candidate: np.ndarray, allowed: np.ndarray, limit: int
) -> float | None:
    """The highest floor at which the ``allowed`` pairs still carry as many reviews as with none.

    A binary search over the candidates' affinities: a "yes" on the candidates holds for all
    pairs; a "no" is checked by ``_proven_max_flow``, which either proves it or widens the
    candidates. Last, no floor above the answer may work, proven the same way."""
    pairs = _Pairs(problem, candidate)
    target = _proven_max_flow(pairs, allowed, None, limit)
    if target == 0:
        return None
    low, high = float(pairs.values.min()), np.inf  # low always works; high never does
    while True:
        levels = pairs.levels(low, high)
        if not len(levels):
            floor = _above(problem, low)
            if _proven_max_flow(pairs, allowed, floor, limit, target) < target:
                return low
            continue  # wider candidates now hold pairs between low and high: search among them
        middle = float(levels[len(levels) // 2])
        if _proven_max_flow(pairs, allowed, middle, limit, target) == target:
            low = middle
        else:
            high = middle


def _mixed_bottleneck(
    problem: MatchingProblem,
    candidate: np.ndarray,
    allowed: np.ndarray,
    options: MatchingOptions,
    count_floor: float,
) -> float:
    """With countries mixed or shortfalls spread, the floor must also keep every outside reviewer
    and every application's first review that the pool can give.

    ``count_floor`` (reviews only) bounds it from above, the weakest pair of the best assignment
    without a floor from below. A trial floor is accepted on a solve of the candidates alone when
    that reaches the target, and refused only on a certified solve over all pairs."""
    needs = problem.needs_foreign if problem.needs_foreign is not None else problem.demand > 0
    needs = needs & (problem.demand > 0)
    target: tuple[int, int, int] | None = None

    def outcome(network: FlowNetwork, flows: np.ndarray) -> tuple[int, int, int, float]:
        used = flows[network.pair_arcs] > 0
        apps, reviewers = network.app_index[used], network.reviewer_index[used]
        outside = np.zeros(problem.applications, dtype=bool)
        if network.mix_countries:
            outside[apps[problem.foreign[apps, reviewers]]] = True
        reviewed = int((np.bincount(apps, minlength=problem.applications) > 0).sum())
        weakest = float(problem.affinity[apps, reviewers].min()) if len(apps) else 0.0
        return int(used.sum()), reviewed, int((outside & needs).sum()), weakest

    def reached(floor: float | None) -> tuple[int, int, int, float]:
        region = allowed if floor is None else allowed & (problem.affinity >= floor)
        trial = candidate & region
        first = None
        if target is not None:
            network = FlowNetwork.build(problem, trial, options.mix_countries, options.spread_shortfall)
            first = network, network.solve()
            found = outcome(*first)
            if found[:3] == target:
                return found
        network, flows, _, _ = _solve_certified(problem, trial, region, options, first=first)
        candidate[:] |= trial  # keep the pairs the proof brought in
        return outcome(network, flows)

    count, reviewed, covered, weakest = reached(None)
    target = (count, reviewed, covered)
    if reached(count_floor)[:3] == target:
        return count_floor
    pairs = _Pairs(problem, candidate)
    low, high = weakest, count_floor  # low works (the best assignment has it), high does not
    while True:
        pairs.refresh()
        levels = pairs.levels(low, high)
        if not len(levels):
            if reached(_above(problem, low))[:3] != target:
                return low
            continue
        middle = float(levels[len(levels) // 2])
        if reached(middle)[:3] == target:
            low = middle
        else:
            high = middle
