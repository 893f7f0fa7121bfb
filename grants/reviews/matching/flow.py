"""The flow network behind an assignment, solved with OR-tools' min-cost-flow.

Nodes: a source, one per reviewer, one per application, one "outside reviewers" node per
application (used when countries are mixed) and a sink. The source feeds each reviewer up to their
capacity; each candidate pair is an arc of capacity 1 whose cost is minus the affinity (integer, at
``COST_SCALE``); each application sends up to its demand to the sink. Reviewers from outside an
application's countries reach it through its outside node, whose first unit of flow earns a bonus
larger than any exchange of reviewers could gain in affinity, so mixing counts before affinity.
OR-tools finds the maximum flow of minimum cost: as many reviews as the pool can give, then the
best ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from grants.reviews.matching.problem import COST_SCALE, MatchingProblem


def pair_costs(affinity: np.ndarray) -> np.ndarray:
    return -np.rint(affinity.astype(np.float64) * COST_SCALE).astype(np.int64)


def pair_heads(
    problem: MatchingProblem, mix_countries: bool, apps: np.ndarray, reviewers: np.ndarray
) -> np.ndarray:
    """Where an arc from a reviewer lands: the application's node, or its outside node."""
    heads = 1 + problem.reviewers + apps
    if mix_countries:
        heads = np.where(problem.foreign[apps, reviewers], heads + problem.applications, heads)
    return heads


def mixing_bonus(total_demand: int, reviewers: int, applications: int) -> int:
    """What the first outside reviewer of an application is worth, in cost units.

    Two optimal flows differ by simple cycles of the residual network, and a simple cycle passes
    each reviewer (and each application or outside node) once, so it holds at most
    ``2 * min(reviewers, 2 * applications)`` pair arcs, each worth at most ``COST_SCALE``; no
    assignment holds more than ``total_demand`` pairs either. A bonus above the smaller bound
    puts mixing strictly before affinity; the smaller the bonus, the fewer cost-scaling phases
    OR-tools needs (a quarter less solve time on a 20,000 x 4,000 call than with the total bound)."""
    return COST_SCALE * (min(total_demand, 2 * min(reviewers, 2 * applications)) + 1)


def coverage_bonus(total_demand: int, reviewers: int, applications: int, mix_countries: bool) -> int:
    """What an application's first review is worth when shortfalls are spread.

    It must outweigh whatever else a simple cycle of the residual network can exchange: affinity
    (below one ``mixing_bonus``) and, with countries mixed, the outside-reviewer bonuses of every
    application on the cycle (at most as many as the cycle's pair arcs)."""
    base = mixing_bonus(total_demand, reviewers, applications)
    if not mix_countries:
        return base
    return base * (min(total_demand, 2 * min(reviewers, 2 * applications)) + 1)


@dataclass
class FlowNetwork:
    """Arc arrays of one network; ``pair_arcs`` is the slice of arcs that are reviewer pairs."""

    problem: MatchingProblem
    app_index: np.ndarray
    reviewer_index: np.ndarray
    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    pair_arcs: slice
    nodes: int
    mix_countries: bool
    spread_shortfall: bool = False

    @property
    def source(self) -> int:
        return 0

    @property
    def sink(self) -> int:
        return self.nodes - 1

    @classmethod
    def build(
        cls,
        problem: MatchingProblem,
        candidate: np.ndarray,
        mix_countries: bool,
        spread_shortfall: bool = False,
    ) -> FlowNetwork:
        mix_countries = mix_countries and problem.foreign is not None
        apps_n, reviewers_n = problem.applications, problem.reviewers
        app_index, reviewer_index = np.nonzero(candidate)
        nodes = 2 + reviewers_n + 2 * apps_n
        app_nodes = 1 + reviewers_n + np.arange(apps_n)
        outside_nodes = app_nodes + apps_n
        demand = problem.demand.astype(np.int64)
        parts = [
            (
                np.zeros(reviewers_n, np.int64),
                1 + np.arange(reviewers_n),
                problem.capacity.astype(np.int64),
                np.zeros(reviewers_n, np.int64),
            ),
            (
                1 + reviewer_index,
                pair_heads(problem, mix_countries, app_index, reviewer_index),
                np.ones(len(app_index), np.int64),
                pair_costs(problem.affinity[app_index, reviewer_index]),
            ),
        ]
        if mix_countries:
            needs = problem.needs_foreign if problem.needs_foreign is not None else demand > 0
            bonus_apps = np.flatnonzero(needs & (demand > 0))
            bonus = mixing_bonus(int(demand.sum()), reviewers_n, apps_n)
            parts.append(
                (
                    outside_nodes[bonus_apps],
                    app_nodes[bonus_apps],
                    np.ones(len(bonus_apps), np.int64),
                    np.full(len(bonus_apps), -bonus, np.int64),
                )
            )
            parts.append((outside_nodes, app_nodes, demand, np.zeros(apps_n, np.int64)))
        sink = np.full(apps_n, nodes - 1)
        if spread_shortfall:
            # Each application's first review earns a bonus; the rest of its places earn none.
            first = np.flatnonzero(demand > 0)
            bonus = coverage_bonus(int(demand.sum()), reviewers_n, apps_n, mix_countries)
            parts.append(
                (
                    app_nodes[first],
                    sink[first],
                    np.ones(len(first), np.int64),
                    np.full(len(first), -bonus, np.int64),
                )
            )
            parts.append((app_nodes, sink, np.maximum(demand - 1, 0), np.zeros(apps_n, np.int64)))
        else:
            parts.append((app_nodes, sink, demand, np.zeros(apps_n, np.int64)))
        tails, heads, capacities, costs = (np.concatenate([part[i] for part in parts]) for i in range(4))
        return cls(
            problem,
            app_index,
            reviewer_index,
            tails,
            heads,
            capacities,
            costs,
            slice(reviewers_n, reviewers_n + len(app_index)),
            nodes,
            mix_countries,
            spread_shortfall,
        )

    def solve(self) -> np.ndarray:
        """The flow on every arc of a maximum flow of minimum cost."""
        solver = min_cost_flow.SimpleMinCostFlow()
        arcs = solver.add_arcs_with_capacity_and_unit_cost(
            self.tails, self.heads, self.capacities, self.costs
        )
        total = int(self.problem.demand.sum())
        supplies = np.zeros(self.nodes, np.int64)
        supplies[self.source], supplies[self.sink] = total, -total
        solver.set_nodes_supplies(np.arange(self.nodes), supplies)
        status = solver.solve_max_flow_with_min_cost()
        if status != solver.OPTIMAL:
            raise RuntimeError(f"min-cost flow solver stopped with status {status}")
        return solver.flows(arcs)


def max_flow_value(problem: MatchingProblem, apps: np.ndarray, reviewers: np.ndarray) -> int:
    """The most reviews the given pairs can carry within demands and capacities."""
    return max_flow_cut(problem, apps, reviewers)[0]


def max_flow_cut(problem: MatchingProblem, apps: np.ndarray, reviewers: np.ndarray) -> tuple[int, np.ndarray]:
    """The most reviews the given pairs can carry, and which nodes (source 0, reviewers from 1,
    then applications) the source still reaches in the residual network: a minimum cut. A pair
    left out of ``apps``/``reviewers`` could only add flow if it leads from a reached reviewer to
    an application not reached."""
    solver = max_flow.SimpleMaxFlow()
    reviewers_n, apps_n = problem.reviewers, problem.applications
    sink = 1 + reviewers_n + apps_n
    solver.add_arcs_with_capacity(
        np.zeros(reviewers_n, np.int64), 1 + np.arange(reviewers_n), problem.capacity.astype(np.int64)
    )
    solver.add_arcs_with_capacity(1 + reviewers, 1 + reviewers_n + apps, np.ones(len(apps), np.int64))
    solver.add_arcs_with_capacity(
        1 + reviewers_n + np.arange(apps_n), np.full(apps_n, sink), problem.demand.astype(np.int64)
    )
    status = solver.solve(0, sink)
    if status != solver.OPTIMAL:
        raise RuntimeError(f"max-flow solver stopped with status {status}")
    reached = np.zeros(sink + 1, dtype=bool)
    reached[np.asarray(solver.get_source_side_min_cut(), dtype=np.int64)] = True
    return solver.optimal_flow(), reached
