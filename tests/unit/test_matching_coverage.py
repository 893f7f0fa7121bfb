"""Spreading a shortfall: when the pool cannot give every review, as many applications as possible
get at least one reviewer before mixing and affinity count (checked against enumeration)."""

import numpy as np
import pytest

from grants.reviews.matching.problem import MatchingProblem
from tests.unit.test_matching_engine import ALL, Enumeration, lexicographic_best, solve, tiny_problem


def reviewed(enumeration: Enumeration) -> np.ndarray:
    onehot = enumeration.apps[:, None] == np.arange(enumeration.problem.applications)
    return ((enumeration.chosen.astype(np.int64) @ onehot) > 0).sum(axis=1)


def reviewed_in(result) -> int:
    return len(np.unique(result.app_index))


def test_a_short_pool_reviews_every_application_once_before_filling_any():
    # One reviewer fits application 0 far better, but two places cannot serve three applications'
    # demand of two each: spreading gives each of the first two one review instead of one all.
    affinity = np.array([[0.9, 0.8], [0.1, 0.2]], dtype=np.float32)
    problem = MatchingProblem(affinity, np.ones((2, 2), bool), np.array([2, 2]), np.array([1, 1]))
    plain, _ = solve(problem)
    spread, _ = solve(problem, spread_shortfall=True)
    assert reviewed_in(plain) == 1 and plain.shortfall.tolist() == [0, 2]
    assert reviewed_in(spread) == 2 and spread.shortfall.tolist() == [1, 1]
    assert spread.certified


def test_a_full_pool_is_untouched_by_the_option():
    affinity = np.array([[0.9, 0.8], [0.1, 0.2]], dtype=np.float32)
    problem = MatchingProblem(affinity, np.ones((2, 2), bool), np.array([1, 1]), np.array([1, 1]))
    _plain, plain_summary = solve(problem)
    _spread, spread_summary = solve(problem, spread_shortfall=True)
    assert (plain_summary.count, plain_summary.weight) == (spread_summary.count, spread_summary.weight)


@pytest.mark.parametrize("seed", range(60))
def test_spreading_matches_enumeration(seed):
    problem = tiny_problem(5_000 + seed)
    enumeration = Enumeration.of(problem)
    best = lexicographic_best(enumeration.count(), reviewed(enumeration), enumeration.weight())
    for candidates in (1, ALL):
        result, summary = solve(problem, spread_shortfall=True, candidates=candidates)
        assert result.certified
        assert [summary.count, reviewed_in(result), summary.weight] == best, candidates


@pytest.mark.parametrize("seed", range(40))
def test_spreading_with_mixed_countries_matches_enumeration(seed):
    problem = tiny_problem(6_000 + seed, foreign=True)
    enumeration = Enumeration.of(problem)
    best = lexicographic_best(
        enumeration.count(), reviewed(enumeration), enumeration.covered(), enumeration.weight()
    )
    result, summary = solve(
        problem, spread_shortfall=True, mix_countries=True, candidates=1, foreign_candidates=1
    )
    assert result.certified
    assert [summary.count, reviewed_in(result), summary.covered, summary.weight] == best


@pytest.mark.parametrize("seed", range(40))
def test_the_fairness_floor_keeps_every_first_review(seed):
    problem = tiny_problem(7_000 + seed)
    enumeration = Enumeration.of(problem)
    count, apps_reviewed = enumeration.count(), reviewed(enumeration)
    best_count, best_reviewed, best_floor = lexicographic_best(count, apps_reviewed, enumeration.weakest())
    result, summary = solve(problem, spread_shortfall=True, fairness=True, candidates=1)
    assert result.certified
    assert (summary.count, reviewed_in(result)) == (best_count, best_reviewed)
    if summary.count:
        assert summary.weakest == pytest.approx(best_floor)
