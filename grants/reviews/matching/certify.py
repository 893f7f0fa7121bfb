"""Proof that an assignment found on a pruned set of pairs is optimal over all pairs.

The solved flow is optimal for the whole problem when no residual arc of the *full* network has a
negative reduced cost under some node potentials. We take the potentials from shortest distances
in the pruned residual network (which the solver left free of negative cycles), with an extra
sink-to-source arc of huge negative cost so that "more flow" is part of the proof, not only
"cheaper flow". Every pair left out of the pruned network is then checked in one vectorised pass;
pairs that fail are exactly the ones worth adding before solving again (in the first rounds only
each application's most negative few: a pruned network short of the maximum flow fails millions
of pairs at once, and a handful per application is enough to reach it).
"""

from __future__ import annotations

import numpy as np

from grants.reviews.matching.flow import FlowNetwork, pair_costs
from grants.reviews.matching.problem import COST_SCALE

CHUNK_ROWS = 2048


def potentials(network: FlowNetwork, flows: np.ndarray) -> np.ndarray:
    """Shortest distances from a virtual root in the residual network (Bellman-Ford, vectorised)."""
    forward = flows < network.capacities
    backward = flows > 0
    return_cost = (int(np.abs(network.costs).max(initial=0)) + 1) * network.nodes
    tails = np.concatenate([network.tails[forward], network.heads[backward], [network.sink, network.source]])
    heads = np.concatenate([network.heads[forward], network.tails[backward], [network.source, network.sink]])
    costs = np.concatenate([network.costs[forward], -network.costs[backward], [-return_cost, return_cost]])
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    targets, starts = np.unique(heads, return_index=True)
    distance = np.zeros(network.nodes, np.int64)
    for _ in range(network.nodes + 1):
        best = np.minimum.reduceat(distance[tails] + costs, starts)
        improved = best < distance[targets]
        if not improved.any():
            return distance
        distance[targets[improved]] = best[improved]
    raise RuntimeError("negative cycle in the residual network: the solver's flow is not optimal")


def violating_pairs(
    network: FlowNetwork,
    distance: np.ndarray,
    allowed: np.ndarray,
    candidate: np.ndarray,
    limit: int | None = None,
) -> np.ndarray:
    """Allowed pairs outside the network whose arc would have a negative reduced cost; with
    ``limit``, only each application's ``limit`` most negative ones.

    Dense and vectorised by blocks of applications: the reduced cost of pair (a, r) is
    ``-rint(affinity * COST_SCALE) + d[r] - d[head]``, negative exactly when the rounded scaled
    affinity exceeds ``gap = d[r] - d[head]``. A floating-point comparison with a margin of one
    unit screens every pair; the few that pass are checked again in exact integers."""
    problem = network.problem
    violations = np.zeros(candidate.shape, dtype=bool)
    reviewers_n, apps_n = problem.reviewers, problem.applications
    reviewer_distance = distance[1 : 1 + reviewers_n]
    app_distance = distance[1 + reviewers_n : 1 + reviewers_n + apps_n]
    outside_distance = distance[1 + reviewers_n + apps_n : 1 + reviewers_n + 2 * apps_n]
    screened = False
    for start in range(0, apps_n, CHUNK_ROWS):
        rows = slice(start, start + CHUNK_ROWS)
        head = app_distance[rows, None]
        if network.mix_countries:
            head = np.where(problem.foreign[rows], outside_distance[rows, None], head)
        gap = reviewer_distance[None, :] - head
        affinity = problem.affinity[rows]
        maybe = affinity * COST_SCALE > gap - 1
        maybe &= allowed[rows]
        maybe &= ~candidate[rows]
        if limit is not None and crowded(maybe, limit):
            # Many pairs pass (typically when the pruned network did not reach the maximum flow):
            # keep each application's ``limit`` most negative by the screening values first.
            maybe = lowest_per_row(maybe, gap - affinity.astype(np.float64) * COST_SCALE, limit)
            screened = True
        apps, reviewers = np.nonzero(maybe)
        if not len(apps):
            continue
        reduced = pair_costs(affinity[apps, reviewers]) + gap[apps, reviewers]
        negative = reduced < 0
        violations[start + apps[negative], reviewers[negative]] = True
    if screened and not violations.any():
        # "None" is only ever answered by the full check, never by a screened selection.
        return violating_pairs(network, distance, allowed, candidate)
    return violations


def crowded(mask: np.ndarray, limit: int) -> bool:
    """Whether some row of ``mask`` has more than ``limit`` pairs."""
    return limit < mask.shape[1] and bool((np.count_nonzero(mask, axis=1) > limit).any())


def lowest_per_row(mask: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """``mask`` reduced to each row's ``limit`` pairs of lowest score (dense, by rows)."""
    screened = np.where(mask, scores, np.inf)
    best = np.argpartition(screened, limit - 1, axis=1)[:, :limit]
    rows = np.arange(mask.shape[0])[:, None]
    chosen = np.zeros(mask.shape, dtype=bool)
    chosen[rows, best] = mask[rows, best]
    return chosen
