"""The review-assignment engine against independent oracles: exhaustive enumeration of every 0/1
assignment on tiny pools, and scipy's MILP (HiGHS) on larger ones. No database.

The engine's contract, lexicographically: as many reviews as the pool allows (maximum flow); then,
with ``mix_countries``, as many applications as possible with a reviewer from outside their
countries; with ``fairness``, the weakest assigned pair as strong as possible; then the largest
total affinity at 10^-6 resolution (costs are ``-round(affinity * 1e6)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from grants.reviews.matching.problem import MatchingOptions, MatchingProblem, MatchingResult
from grants.reviews.matching.shortfalls import capacity_gap, explain_shortfalls
from grants.reviews.matching.solver import solve_assignment

SCALE = 1_000_000  # the resolution the issue fixes, written out rather than imported from the engine
ALL = 1_000  # "candidates" large enough that nothing is pruned


# --------------------------------------------------------------------------------------------------
# Oracles (independent of the engine: no flow, no OR-tools)
# --------------------------------------------------------------------------------------------------


def weights(affinity: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(affinity, dtype=np.float64) * SCALE).astype(np.int64)


def usable_pairs(problem: MatchingProblem) -> tuple[np.ndarray, np.ndarray]:
    """Pairs any assignment may use (pairs with zero demand or capacity can carry nothing)."""
    mask = problem.eligible & (problem.demand[:, None] > 0) & (problem.capacity[None, :] > 0)
    return np.nonzero(mask)


def needs_foreign_mask(problem: MatchingProblem) -> np.ndarray:
    needs = problem.needs_foreign if problem.needs_foreign is not None else problem.demand > 0
    return needs & (problem.demand > 0)


@dataclass
class Summary:
    """The quantities the engine optimises, for one assignment."""

    count: int
    weight: int
    weakest: float | None
    covered: int


def summarise(problem: MatchingProblem, apps: np.ndarray, reviewers: np.ndarray) -> Summary:
    apps, reviewers = np.asarray(apps, dtype=np.int64), np.asarray(reviewers, dtype=np.int64)
    covered = 0
    if problem.foreign is not None and len(apps):
        foreign_apps = np.unique(apps[problem.foreign[apps, reviewers]])
        covered = int(needs_foreign_mask(problem)[foreign_apps].sum())
    return Summary(
        count=len(apps),
        weight=int(weights(problem.affinity[apps, reviewers]).sum()),
        weakest=float(problem.affinity[apps, reviewers].min()) if len(apps) else None,
        covered=covered,
    )


@dataclass
class Enumeration:
    """Every feasible 0/1 assignment of a tiny problem, one row of ``chosen`` each."""

    problem: MatchingProblem
    apps: np.ndarray
    reviewers: np.ndarray
    chosen: np.ndarray

    @classmethod
    def of(cls, problem: MatchingProblem, max_pairs: int = 15) -> Enumeration:
        apps, reviewers = usable_pairs(problem)
        pairs = len(apps)
        assert pairs <= max_pairs, "the enumeration oracle is for tiny problems only"
        codes = np.arange(2**pairs, dtype=np.int64)
        chosen = ((codes[:, None] >> np.arange(pairs)) & 1).astype(bool)
        per_app = chosen.astype(np.int64) @ (apps[:, None] == np.arange(problem.applications))
        per_reviewer = chosen.astype(np.int64) @ (reviewers[:, None] == np.arange(problem.reviewers))
        feasible = (per_app <= problem.demand).all(axis=1) & (per_reviewer <= problem.capacity).all(axis=1)
        return cls(problem, apps, reviewers, chosen[feasible])

    def count(self) -> np.ndarray:
        return self.chosen.sum(axis=1)

    def weight(self) -> np.ndarray:
        return self.chosen.astype(np.int64) @ weights(self.problem.affinity[self.apps, self.reviewers])

    def weakest(self) -> np.ndarray:
        values = self.problem.affinity[self.apps, self.reviewers]
        return np.where(self.chosen, values, np.inf).min(axis=1, initial=np.inf)

    def covered(self) -> np.ndarray:
        problem = self.problem
        foreign_pair = problem.foreign[self.apps, self.reviewers]
        onehot = self.apps[:, None] == np.arange(problem.applications)
        has_foreign = ((self.chosen & foreign_pair).astype(np.int64) @ onehot) > 0
        return (has_foreign & needs_foreign_mask(problem)).sum(axis=1)


def lexicographic_best(*objectives: np.ndarray) -> list:
    """The best value of each objective in turn, among the rows best on all earlier ones."""
    keep = np.ones(len(objectives[0]), dtype=bool)
    best = []
    for objective in objectives:
        top = objective[keep].max()
        best.append(top.item())
        keep &= objective == top
    return best


def milp_optimum(problem: MatchingProblem) -> tuple[int, int]:
    """(most reviews, best total integer weight among assignments with that many), by HiGHS.

    Solved in two stages (count, then weight with the count fixed) rather than with one
    ``BIG * count + weight`` objective, so no tolerance of the MIP solver can blur the weight."""
    apps, reviewers = usable_pairs(problem)
    pairs = len(apps)
    if not pairs:
        return 0, 0
    by_app = (np.arange(problem.applications)[:, None] == apps).astype(float)
    by_reviewer = (np.arange(problem.reviewers)[:, None] == reviewers).astype(float)
    constraints = [
        LinearConstraint(by_app, 0, problem.demand.astype(float)),
        LinearConstraint(by_reviewer, 0, problem.capacity.astype(float)),
    ]
    common = {"integrality": np.ones(pairs), "bounds": Bounds(0, 1), "options": {"mip_rel_gap": 0}}
    first = milp(-np.ones(pairs), constraints=constraints, **common)
    assert first.success, first.message
    count = round(-first.fun)
    pair_weights = weights(problem.affinity[apps, reviewers])
    fixed = LinearConstraint(np.ones((1, pairs)), count, count)
    second = milp(-pair_weights.astype(float), constraints=[*constraints, fixed], **common)
    assert second.success, second.message
    x = np.rint(second.x).astype(bool)
    assert x.sum() == count
    assert (by_app @ x <= problem.demand).all() and (by_reviewer @ x <= problem.capacity).all()
    return count, int(pair_weights[x].sum())


# --------------------------------------------------------------------------------------------------
# Random pools
# --------------------------------------------------------------------------------------------------


def random_problem(
    rng: np.random.Generator,
    apps: int,
    reviewers: int,
    *,
    foreign: bool = False,
    max_capacity: int = 5,
    max_pairs: int | None = None,
) -> MatchingProblem:
    eligible = rng.random((apps, reviewers)) < rng.uniform(0.3, 1.0)
    if max_pairs is not None:
        positions = np.flatnonzero(eligible)
        if len(positions) > max_pairs:
            eligible.flat[rng.choice(positions, len(positions) - max_pairs, replace=False)] = False
    style = rng.integers(3)
    if style == 0:  # coarse values: many exact ties
        affinity = rng.integers(0, 5, (apps, reviewers)) / 4
    elif style == 1:  # near-ties a few millionths apart, which the engine must still order
        affinity = rng.integers(0, 3, (apps, reviewers)) / 2 + rng.integers(0, 4, (apps, reviewers)) * 1e-6
        affinity = np.minimum(affinity, 1.0)
    else:
        affinity = rng.random((apps, reviewers))
    foreign_mask = needs = None
    if foreign:
        foreign_mask = rng.random((apps, reviewers)) < 0.4
        if rng.random() < 0.5:
            needs = rng.random(apps) < 0.7
    return MatchingProblem(
        affinity=affinity,
        eligible=eligible,
        demand=rng.integers(0, 4, apps),
        capacity=rng.integers(0, max_capacity + 1, reviewers),
        foreign=foreign_mask,
        needs_foreign=needs,
    )


def tiny_problem(seed: int, *, foreign: bool = False) -> MatchingProblem:
    rng = np.random.default_rng(seed)
    return random_problem(
        rng, int(rng.integers(2, 5)), int(rng.integers(2, 5)), foreign=foreign, max_capacity=3, max_pairs=12
    )


def check_feasible(problem: MatchingProblem, result: MatchingResult) -> None:
    """Every hard constraint of an assignment."""
    apps, reviewers = result.app_index, result.reviewer_index
    assert len(apps) == len(reviewers)
    assert problem.eligible[apps, reviewers].all(), "an ineligible (conflicted) pair was assigned"
    assert len(set(zip(apps.tolist(), reviewers.tolist(), strict=True))) == len(apps), "a pair twice"
    per_app = np.bincount(apps, minlength=problem.applications)
    per_reviewer = np.bincount(reviewers, minlength=problem.reviewers)
    assert (per_app <= problem.demand).all()
    assert (per_reviewer <= problem.capacity).all()
    assert np.array_equal(result.shortfall, problem.demand - per_app)


def solve(problem: MatchingProblem, **options) -> tuple[MatchingResult, Summary]:
    result = solve_assignment(problem, MatchingOptions(**options))
    check_feasible(problem, result)
    return result, summarise(problem, result.app_index, result.reviewer_index)


# --------------------------------------------------------------------------------------------------
# Exact mode
# --------------------------------------------------------------------------------------------------


def test_a_hand_sized_case_takes_the_best_assignment_not_the_greedy_one():
    # Greedy would give application 0 its favourite (reviewer 0, 0.9) and leave application 1 with
    # 0.1; the optimum swaps them (0.8 + 0.8 > 0.9 + 0.1).
    problem = MatchingProblem(
        affinity=np.array([[0.9, 0.8], [0.8, 0.1]]),
        eligible=np.ones((2, 2), dtype=bool),
        demand=np.array([1, 1]),
        capacity=np.array([1, 1]),
    )
    result, summary = solve(problem)
    assert sorted(zip(result.app_index.tolist(), result.reviewer_index.tolist(), strict=True)) == [
        (0, 1),
        (1, 0),
    ]
    assert summary.weight == 1_600_000
    assert result.certified


def test_pruning_to_one_candidate_is_widened_until_the_answer_is_proven_optimal():
    # Both applications' single best reviewer is reviewer 0, who can take only one: the first,
    # pruned solve carries one review, and the proof must bring reviewer 1 back in.
    problem = MatchingProblem(
        affinity=np.array([[0.9, 0.1], [0.8, 0.2]]),
        eligible=np.ones((2, 2), dtype=bool),
        demand=np.array([1, 1]),
        capacity=np.array([1, 1]),
    )
    result, summary = solve(problem, candidates=1)
    assert result.certified
    assert result.rounds >= 2
    assert summary.count == 2
    assert summary.weight == 1_100_000  # 0.9 + 0.2 beats 0.1 + 0.8


def test_more_reviews_always_beat_better_affinity():
    # Giving application 0 its excellent reviewer 0 would leave application 1 (eligible only with
    # reviewer 0) unreviewed: the engine must prefer two weak reviews to one strong one.
    problem = MatchingProblem(
        affinity=np.array([[1.0, 0.0], [0.0, 0.0]]),
        eligible=np.array([[True, True], [True, False]]),
        demand=np.array([1, 1]),
        capacity=np.array([1, 1]),
    )
    for candidates in (1, ALL):
        result, summary = solve(problem, candidates=candidates)
        assert summary.count == 2
        assert result.shortfall.tolist() == [0, 0]


def test_affinities_a_millionth_apart_are_still_ordered():
    problem = MatchingProblem(
        affinity=np.array([[0.500001, 0.500000]]),
        eligible=np.ones((1, 2), dtype=bool),
        demand=np.array([1]),
        capacity=np.array([1, 1]),
    )
    result, _ = solve(problem, candidates=ALL)
    assert result.reviewer_index.tolist() == [0]


@pytest.mark.parametrize("seed", range(60))
def test_exact_mode_matches_enumeration_of_every_assignment(seed):
    problem = tiny_problem(seed)
    enumeration = Enumeration.of(problem)
    best_count, best_weight = lexicographic_best(enumeration.count(), enumeration.weight())
    for candidates in (1, 2, ALL):
        result, summary = solve(problem, candidates=candidates)
        assert result.certified
        assert (summary.count, summary.weight) == (best_count, best_weight), f"candidates={candidates}"


@pytest.mark.parametrize("seed", range(150))
def test_exact_mode_with_pruning_matches_the_milp_optimum(seed):
    rng = np.random.default_rng(10_000 + seed)
    problem = random_problem(rng, int(rng.integers(2, 13)), int(rng.integers(2, 11)))
    best = milp_optimum(problem)
    for candidates in (1, 2):
        result, summary = solve(problem, candidates=candidates)
        assert result.certified
        assert (summary.count, summary.weight) == best, f"candidates={candidates}"


def test_the_milp_oracle_itself_agrees_with_enumeration():
    # The oracle must be trustworthy before it is used to judge the engine.
    for seed in range(40):
        problem = tiny_problem(seed)
        enumeration = Enumeration.of(problem)
        assert milp_optimum(problem) == tuple(lexicographic_best(enumeration.count(), enumeration.weight()))


# --------------------------------------------------------------------------------------------------
# Fairness
# --------------------------------------------------------------------------------------------------


def test_fairness_raises_the_weakest_pair_at_some_cost_in_total():
    # Most affinity: 1.0 + 0.0. Fairest: 0.5 + 0.4, whose weakest pair is 0.4.
    problem = MatchingProblem(
        affinity=np.array([[1.0, 0.5], [0.4, 0.0]]),
        eligible=np.ones((2, 2), dtype=bool),
        demand=np.array([1, 1]),
        capacity=np.array([1, 1]),
    )
    _, plain = solve(problem)
    fair_result, fair = solve(problem, fairness=True)
    assert plain.weakest == 0.0 and plain.weight == 1_000_000
    assert fair.weakest == 0.4 and fair.weight == 900_000
    assert fair_result.floor == 0.4
    assert fair.count == plain.count == 2


@pytest.mark.parametrize("seed", range(80))
def test_fairness_reaches_the_bottleneck_optimum_without_losing_reviews(seed):
    problem = tiny_problem(1_000 + seed)
    enumeration = Enumeration.of(problem)
    count = enumeration.count()
    best_count = count.max()
    _, plain = solve(problem, candidates=ALL)
    result, fair = solve(problem, fairness=True, candidates=ALL)
    assert result.certified
    assert fair.count == plain.count == best_count
    if best_count == 0:
        return
    # Bottleneck: the best weakest pair over maximum-cardinality assignments; then most affinity.
    _, bottleneck, weight = lexicographic_best(count, enumeration.weakest(), enumeration.weight())
    assert fair.weakest == bottleneck
    assert result.floor == bottleneck
    assert fair.weight == weight


def test_fairness_with_pruned_candidates_keeps_every_review():
    # Minimal reproduction of a fairness bug: with candidates=1 both applications only "see"
    # reviewer 0, so the bottleneck floor is computed on a network carrying one review, and comes
    # out as 0.9. Every pair below 0.9 is then removed, reviewer 1 can never come back, and the
    # result has one review where two are possible (and still claims to be certified).
    problem = MatchingProblem(
        affinity=np.array([[0.9, 0.1], [0.8, 0.2]]),
        eligible=np.ones((2, 2), dtype=bool),
        demand=np.array([1, 1]),
        capacity=np.array([1, 1]),
    )
    _, plain = solve(problem, candidates=1)
    result, fair = solve(problem, fairness=True, candidates=1)
    assert plain.count == 2
    assert fair.count == 2, f"fairness lost a review: floor={result.floor}, shortfall={result.shortfall}"
    assert result.floor == 0.2


def test_fairness_with_pruned_candidates_matches_the_enumerated_optimum():
    # The same bug on random pools: one test, listing every seed that goes wrong.
    wrong = []
    for seed in range(2_000, 2_040):
        problem = tiny_problem(seed)
        enumeration = Enumeration.of(problem)
        count = enumeration.count()
        result, fair = solve(problem, fairness=True, candidates=1)
        expected = (int(count.max()), None, 0)
        if count.max():
            _, bottleneck, weight = lexicographic_best(count, enumeration.weakest(), enumeration.weight())
            expected = (int(count.max()), bottleneck, weight)
        if not result.certified or (fair.count, fair.weakest, fair.weight) != expected:
            wrong.append((seed, (fair.count, fair.weakest, fair.weight), expected))
    assert not wrong, f"(seed, got (count, weakest, weight), expected): {wrong}"


# --------------------------------------------------------------------------------------------------
# Mixing countries
# --------------------------------------------------------------------------------------------------


def test_mixing_countries_swaps_in_an_outside_reviewer():
    problem = MatchingProblem(
        affinity=np.array([[0.9, 0.8, 0.1]]),
        eligible=np.ones((1, 3), dtype=bool),
        demand=np.array([2]),
        capacity=np.array([1, 1, 1]),
        foreign=np.array([[False, False, True]]),
    )
    _, plain = solve(problem)
    result, mixed = solve(problem, mix_countries=True, candidates=1, foreign_candidates=0)
    assert plain.covered == 0
    assert mixed.covered == 1 and mixed.count == 2
    assert sorted(result.reviewer_index.tolist()) == [0, 2]  # the better home reviewer stays
    assert result.certified


def test_mixing_countries_never_costs_a_review():
    # Application 1 can only be reviewed by reviewer 0, who is application 0's only outside
    # reviewer. Mixing would leave application 1 unreviewed, so it must give way.
    problem = MatchingProblem(
        affinity=np.array([[0.5, 0.5], [0.5, 0.0]]),
        eligible=np.array([[True, True], [True, False]]),
        demand=np.array([1, 1]),
        capacity=np.array([1, 1]),
        foreign=np.array([[True, False], [False, False]]),
    )
    result, mixed = solve(problem, mix_countries=True)
    assert mixed.count == 2
    assert sorted(zip(result.app_index.tolist(), result.reviewer_index.tolist(), strict=True)) == [
        (0, 1),
        (1, 0),
    ]


def test_applications_that_already_have_an_outside_reviewer_are_not_pushed_again():
    problem = MatchingProblem(
        affinity=np.array([[0.9, 0.1]]),
        eligible=np.ones((1, 2), dtype=bool),
        demand=np.array([1]),
        capacity=np.array([1, 1]),
        foreign=np.array([[False, True]]),
        needs_foreign=np.array([False]),
    )
    result, _ = solve(problem, mix_countries=True)
    assert result.reviewer_index.tolist() == [0]


def test_without_the_option_the_foreign_mask_changes_nothing():
    rng = np.random.default_rng(7)
    problem = random_problem(rng, 8, 6, foreign=True)
    bare = MatchingProblem(problem.affinity, problem.eligible, problem.demand, problem.capacity)
    _, with_mask = solve(problem, candidates=2)
    _, without = solve(bare, candidates=2)
    assert (with_mask.count, with_mask.weight) == (without.count, without.weight)


@pytest.mark.parametrize("seed", range(80))
def test_mixing_countries_matches_enumeration(seed):
    problem = tiny_problem(3_000 + seed, foreign=True)
    enumeration = Enumeration.of(problem)
    count, covered = enumeration.count(), enumeration.covered()
    best = lexicographic_best(count, covered, enumeration.weight())
    for candidates, foreign_candidates in ((1, 0), (1, 1), (ALL, ALL)):
        result, mixed = solve(
            problem, mix_countries=True, candidates=candidates, foreign_candidates=foreign_candidates
        )
        assert result.certified
        assert [mixed.count, mixed.covered, mixed.weight] == best, (candidates, foreign_candidates)
        # The wording: if some assignment gives every application in need an outside
        # reviewer without losing a review, the engine's does too.
        everyone = int(needs_foreign_mask(problem).sum())
        if (covered[count == count.max()] == everyone).any():
            assert mixed.covered == everyone


# --------------------------------------------------------------------------------------------------
# Shortfalls
# --------------------------------------------------------------------------------------------------


def test_an_application_with_one_eligible_reviewer_for_three_places_is_named():
    eligible = np.ones((3, 5), dtype=bool)
    eligible[1] = [False, False, True, False, False]
    problem = MatchingProblem(
        affinity=np.full((3, 5), 0.5),
        eligible=eligible,
        demand=np.array([2, 3, 2]),
        capacity=np.full(5, 3),
    )
    result, _ = solve(problem)
    shortfalls = explain_shortfalls(problem, result)
    assert [(s.application, s.missing, s.eligible) for s in shortfalls] == [(1, 2, 1)]
    assert shortfalls[0].reason.startswith("only 1 eligible reviewer for 3 places")
    assert capacity_gap(problem) == 0


def test_an_application_nobody_can_review_is_named_with_the_plural():
    problem = MatchingProblem(
        affinity=np.full((2, 2), 0.5),
        eligible=np.array([[True, True], [False, False]]),
        demand=np.array([1, 2]),
        capacity=np.array([5, 5]),
    )
    result, _ = solve(problem)
    (shortfall,) = explain_shortfalls(problem, result)
    assert (shortfall.application, shortfall.missing, shortfall.eligible) == (1, 2, 0)
    assert "only 0 eligible reviewers for 2 places" in shortfall.reason


def test_too_little_capacity_names_exactly_the_applications_left_short():
    # 12 places, 6 reviews to give. Applications 0 and 1 fit every reviewer far better, so they are
    # served in full and 2 and 3 get nothing, although everybody is eligible for everything.
    affinity = np.array([[0.9] * 3, [0.9] * 3, [0.1] * 3, [0.1] * 3])
    problem = MatchingProblem(
        affinity=affinity,
        eligible=np.ones((4, 3), dtype=bool),
        demand=np.array([3, 3, 3, 3]),
        capacity=np.array([2, 2, 2]),
    )
    assert capacity_gap(problem) == 6
    result, summary = solve(problem, candidates=1)
    assert summary.count == 6
    shortfalls = explain_shortfalls(problem, result)
    assert [(s.application, s.missing, s.eligible) for s in shortfalls] == [(2, 3, 3), (3, 3, 3)]
    for shortfall in shortfalls:
        assert "review limit" in shortfall.reason
        assert shortfall.reason.startswith("3 eligible reviewers")


def test_shortfalls_are_listed_most_missing_first():
    eligible = np.ones((3, 4), dtype=bool)
    eligible[0] = [True, False, False, False]  # 1 eligible for 2 places: 1 missing
    eligible[2] = [False, False, False, False]  # nobody for 3 places: 3 missing
    problem = MatchingProblem(
        affinity=np.full((3, 4), 0.5),
        eligible=eligible,
        demand=np.array([2, 2, 3]),
        capacity=np.full(4, 4),
    )
    result, _ = solve(problem)
    shortfalls = explain_shortfalls(problem, result)
    assert [(s.application, s.missing) for s in shortfalls] == [(2, 3), (0, 1)]
    assert sum(s.missing for s in shortfalls) == int(result.shortfall.sum())


def test_a_fully_served_call_has_no_shortfalls():
    problem = MatchingProblem(
        affinity=np.full((2, 3), 0.5),
        eligible=np.ones((2, 3), dtype=bool),
        demand=np.array([2, 1]),
        capacity=np.array([1, 1, 1]),
    )
    result, _ = solve(problem)
    assert explain_shortfalls(problem, result) == []
    assert capacity_gap(problem) == 0


# --------------------------------------------------------------------------------------------------
# Problem shape and degenerate pools
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"eligible": np.ones((3, 2), dtype=bool)},
        {"demand": np.ones(3, dtype=int)},
        {"capacity": np.ones(2, dtype=int)},
        {"demand": np.array([1, -1])},
        {"capacity": np.array([-1, 0, 0])},
        {"foreign": np.ones((3, 2), dtype=bool)},
    ],
)
def test_malformed_problems_are_refused(overrides):
    arguments = {
        "affinity": np.zeros((2, 3)),
        "eligible": np.ones((2, 3), dtype=bool),
        "demand": np.ones(2, dtype=int),
        "capacity": np.ones(3, dtype=int),
        **overrides,
    }
    with pytest.raises(ValueError):
        MatchingProblem(**arguments)


@pytest.mark.parametrize("shape", [(0, 0), (3, 0), (0, 3)])
@pytest.mark.parametrize("fairness", [False, True])
@pytest.mark.parametrize("mix_countries", [False, True])
def test_empty_pools_give_an_empty_assignment(shape, fairness, mix_countries):
    problem = MatchingProblem(
        affinity=np.zeros(shape),
        eligible=np.ones(shape, dtype=bool),
        demand=np.full(shape[0], 2),
        capacity=np.full(shape[1], 2),
        foreign=np.ones(shape, dtype=bool),
    )
    result, summary = solve(problem, fairness=fairness, mix_countries=mix_countries)
    assert summary.count == 0
    assert result.shortfall.tolist() == [2] * shape[0]
    assert result.certified


def test_nothing_eligible_leaves_every_place_short_and_sets_no_floor():
    problem = MatchingProblem(
        affinity=np.full((2, 2), 0.7),
        eligible=np.zeros((2, 2), dtype=bool),
        demand=np.array([1, 2]),
        capacity=np.array([3, 3]),
    )
    result, summary = solve(problem, fairness=True)
    assert summary.count == 0
    assert result.floor is None
    assert result.shortfall.tolist() == [1, 2]


def test_pair_affinities_reads_the_assigned_pairs():
    problem = MatchingProblem(
        affinity=np.array([[0.3, 0.6]]),
        eligible=np.ones((1, 2), dtype=bool),
        demand=np.array([2]),
        capacity=np.array([1, 1]),
    )
    result, _ = solve(problem)
    assert result.pairs == 2
    assert sorted(result.pair_affinities(problem).tolist()) == [0.3, 0.6]
