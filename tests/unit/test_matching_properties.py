"""Properties of the assignment engine over random pools (hypothesis): whatever the pool and the
options, no conflicted pair is ever assigned and no limit is ever broken; the review count is a
maximum flow; the total is the MILP optimum even when the first solve is heavily pruned."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from grants.reviews.matching.problem import MatchingOptions, MatchingProblem
from grants.reviews.matching.solver import solve_assignment
from tests.unit.test_matching_engine import check_feasible, milp_optimum, summarise, usable_pairs

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)

# A handful of exact values so that ties are common, values a millionth apart that must still be
# ordered, and arbitrary ones.
AFFINITIES = st.one_of(
    st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
    st.sampled_from([0.5, 0.500001, 0.500002, 0.500003]),
    st.floats(0.0, 1.0),
)


@st.composite
def problems(draw, max_apps: int = 12, max_reviewers: int = 10) -> MatchingProblem:
    apps = draw(st.integers(2, max_apps))
    reviewers = draw(st.integers(2, max_reviewers))
    shape = (apps, reviewers)
    foreign = draw(st.one_of(st.none(), arrays(np.bool_, shape)))
    needs = draw(st.one_of(st.none(), arrays(np.bool_, apps))) if foreign is not None else None
    return MatchingProblem(
        affinity=draw(arrays(np.float64, shape, elements=AFFINITIES)),
        eligible=draw(arrays(np.bool_, shape)),
        demand=draw(arrays(np.int64, apps, elements=st.integers(0, 3))),
        capacity=draw(arrays(np.int64, reviewers, elements=st.integers(0, 5))),
        foreign=foreign,
        needs_foreign=needs,
    )


def options(fairness: st.SearchStrategy[bool] | None = None) -> st.SearchStrategy[MatchingOptions]:
    return st.builds(
        MatchingOptions,
        fairness=st.booleans() if fairness is None else fairness,
        mix_countries=st.booleans(),
        spread_shortfall=st.booleans(),
        candidates=st.one_of(st.integers(1, 3), st.just(24)),
        foreign_candidates=st.integers(0, 2),
    )


def maximum_reviews(problem: MatchingProblem) -> int:
    """The most reviews the pool can give, by networkx's max flow (independent of OR-tools)."""
    graph = nx.DiGraph()
    for app in range(problem.applications):
        graph.add_edge(("app", app), "sink", capacity=int(problem.demand[app]))
    for reviewer in range(problem.reviewers):
        graph.add_edge("source", ("reviewer", reviewer), capacity=int(problem.capacity[reviewer]))
    for app, reviewer in zip(*usable_pairs(problem), strict=True):
        graph.add_edge(("reviewer", int(reviewer)), ("app", int(app)), capacity=1)
    graph.add_nodes_from(["source", "sink"])
    return int(nx.maximum_flow_value(graph, "source", "sink"))


@PROPERTY_SETTINGS
@given(problems(), options())
def test_no_conflict_is_ever_assigned_and_no_limit_broken(problem, chosen):
    result = solve_assignment(problem, chosen)
    # eligible pairs only, no pair twice, demand and capacity respected, shortfall = demand - assigned
    check_feasible(problem, result)
    assert result.certified
    assert result.shortfall.min(initial=0) >= 0


@PROPERTY_SETTINGS
@given(problems(), options(fairness=st.just(False)))
def test_the_review_count_is_a_maximum_flow(problem, chosen):
    result = solve_assignment(problem, chosen)
    assert result.pairs == maximum_reviews(problem)


@PROPERTY_SETTINGS
@given(problems(), st.integers(1, 2))
def test_pruned_exact_mode_reaches_the_milp_optimum(problem, candidates):
    result = solve_assignment(problem, MatchingOptions(candidates=candidates))
    summary = summarise(problem, result.app_index, result.reviewer_index)
    assert result.certified
    assert (summary.count, summary.weight) == milp_optimum(problem)


@PROPERTY_SETTINGS
@given(problems())
def test_fairness_keeps_every_review_and_never_weakens_the_weakest_pair(problem):
    # Candidates cover every pair here; the pruned case is in test_matching_engine.py.
    plain = solve_assignment(problem, MatchingOptions(candidates=24))
    fair = solve_assignment(problem, MatchingOptions(fairness=True, candidates=24))
    assert fair.pairs == plain.pairs
    if fair.pairs:
        weakest = fair.pair_affinities(problem).min()
        assert weakest == fair.floor
        assert weakest >= plain.pair_affinities(problem).min()
        fair_weight = summarise(problem, fair.app_index, fair.reviewer_index).weight
        assert fair_weight <= summarise(problem, plain.app_index, plain.reviewer_index).weight


@PROPERTY_SETTINGS
@given(problems(), st.integers(1, 3))
def test_mixing_countries_never_costs_a_review_nor_an_outside_reviewer(problem, candidates):
    plain = solve_assignment(problem, MatchingOptions(candidates=candidates))
    mixed = solve_assignment(
        problem, MatchingOptions(mix_countries=True, candidates=candidates, foreign_candidates=0)
    )
    assert mixed.pairs == plain.pairs
    assert mixed.certified
    plain_covered = summarise(problem, plain.app_index, plain.reviewer_index).covered
    mixed_covered = summarise(problem, mixed.app_index, mixed.reviewer_index).covered
    assert mixed_covered >= plain_covered
