"""Review assignment on synthetic calls: seconds per stage and the quality of the result.

Scenarios (bench/synthetic_pool.py builds the calls, seeded, with structured conflicts):

* A: 5,000 applications x 1,000 reviewers x 3 reviews, loads uniform 12-20;
* A-tight: the same with loads 10-20 (capacity about equal to demand), naming the applications
  left short and why;
* B: 20,000 x 4,000 x 3, loads 12-20.

Timed end to end from the texts and the people (generating the call is not): affinity
(``compute_affinity`` and the mix), conflicts (``detect_conflicts`` and the eligible mask, plus the
country mask when mixing), then the solver's own stages: graph, fairness, solve, certify. Reported:
total affinity and whether it is proven optimal over all pairs (for A, also re-solved on the full,
unpruned graph as an independent check), the minimum and 5th percentile of each application's
mean affinity, the weakest pair, reviewer loads, conflicts used (must be 0), applications left
short, and peak resident memory. ``--scenario all`` runs each scenario in a process of its own so
that the memory figures do not mix.

``--compare-solvers`` times OR-tools (the engine's solver), SciPy's HiGHS on the transportation LP
(and as a MILP) and NetworkX's network simplex on the same pruned candidate graph.

Usage: .venv/bin/python bench/assignment.py [--scenario A|A-tight|B|all] [--fairness]
       [--mix-countries] [--compare-solvers] [--check-optimum]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from time import perf_counter

import numpy as np
from common import machine, peak_mib
from synthetic_pool import SyntheticCall, scenario_call

from grants.reviews.detection import detect_conflicts
from grants.reviews.matching.affinity import compute_affinity
from grants.reviews.matching.flow import FlowNetwork, pair_costs
from grants.reviews.matching.problem import MatchingOptions, MatchingProblem, MatchingResult
from grants.reviews.matching.shortfalls import capacity_gap, explain_shortfalls
from grants.reviews.matching.solver import best_candidates, bottleneck_floor, solve_assignment

STAGES = ("affinity", "conflicts", "graph", "fairness", "solve", "certify")


def build_problem(
    call: SyntheticCall, mix_countries: bool, timings: dict[str, float], reasons: Counter[str] | None = None
) -> MatchingProblem:
    """The stages before the solver, timed into ``timings``; ``reasons`` counts the conflicts by
    kind (outside the timing)."""
    started = perf_counter()
    parts = compute_affinity(call.applications, call.reviewers)
    affinity = parts.combined()
    del parts  # the service keeps only the mix for solving
    timings["affinity"] = perf_counter() - started

    started = perf_counter()
    conflicts = detect_conflicts(call.teams, call.reviewer_people)
    eligible = np.ones(affinity.shape, dtype=bool)
    eligible[
        np.fromiter((c.application for c in conflicts), dtype=np.int64, count=len(conflicts)),
        np.fromiter((c.reviewer for c in conflicts), dtype=np.int64, count=len(conflicts)),
    ] = False
    foreign = call.foreign() if mix_countries else None
    timings["conflicts"] = perf_counter() - started
    if reasons is not None:
        reasons.update(c.reason.split(" (")[0] for c in conflicts)
    return MatchingProblem(affinity, eligible, call.demand, call.capacity, foreign=foreign)


def solver_seconds(result: MatchingResult) -> float:
    return sum(result.timings.values())


def stage_line(timings: dict[str, float]) -> str:
    stages = ", ".join(f"{name} {timings[name]:.2f}" for name in STAGES if name in timings)
    return f"seconds: {stages}; end to end {sum(timings.values()):.2f}"


def covered(problem: MatchingProblem, result: MatchingResult) -> tuple[int, int]:
    """Applications with a reviewer from outside their countries, and those that could have one."""
    foreign = problem.foreign[result.app_index, result.reviewer_index]
    mixed = np.bincount(result.app_index[foreign], minlength=problem.applications) > 0
    return int(mixed.sum()), int((problem.eligible & problem.foreign).any(axis=1).sum())


def quality(problem: MatchingProblem, result: MatchingResult) -> list[str]:
    """The figures that say how good an assignment is, and that it is safe."""
    values = result.pair_affinities(problem).astype(np.float64)
    counts = np.bincount(result.app_index, minlength=problem.applications)
    loads = np.bincount(result.reviewer_index, minlength=problem.reviewers)
    pairs = set(zip(result.app_index.tolist(), result.reviewer_index.tolist(), strict=True))
    if len(pairs) != result.pairs or (loads > problem.capacity).any() or (counts > problem.demand).any():
        raise AssertionError("the assignment breaks a demand or a capacity, or repeats a pair")
    if not len(values):
        return ["no pairs assigned"]
    served = counts > 0
    sums = np.bincount(result.app_index, weights=values, minlength=problem.applications)
    per_app = sums[served] / counts[served]
    weakest = int(np.argmin(values))
    conflicts_used = int((~problem.eligible[result.app_index, result.reviewer_index]).sum())
    lines = [
        f"total affinity {values.sum():.3f} over {result.pairs} pairs (mean {values.mean():.4f}); "
        f"proven optimal over all pairs: {result.certified} ({result.rounds} rounds)",
        f"per-application mean affinity: min {per_app.min():.4f}, 5th percentile "
        f"{np.percentile(per_app, 5):.4f}, median {np.median(per_app):.4f}",
        f"weakest pair {values[weakest]:.4f} (application {result.app_index[weakest]}, "
        f"reviewer {result.reviewer_index[weakest]})",
        f"reviewer loads: max {loads.max()}, min {loads.min()}, spread {loads.max() - loads.min()}, "
        f"std {loads.std():.2f}; of {problem.reviewers} reviewers {int((loads == problem.capacity).sum())} "
        f"at their limit, {int((loads == 0).sum())} with no review",
        f"conflicts used: {conflicts_used}",
        f"applications left short: {int((result.shortfall > 0).sum())} "
        f"({int(result.shortfall.sum())} reviews missing)",
    ]
    if problem.foreign is not None:
        mixed, possible = covered(problem, result)
        lines.append(
            f"applications with a reviewer from outside their countries: {mixed} "
            f"(of {possible} with an eligible one)"
        )
    return lines


def shortfall_lines(problem: MatchingProblem, result: MatchingResult) -> list[str]:
    short = explain_shortfalls(problem, result)
    unreviewed = int(((result.shortfall == problem.demand) & (problem.demand > 0)).sum())
    lines = [
        f"capacity gap (reviews asked beyond all capacity): {capacity_gap(problem)}; "
        f"{len(short)} applications short, {unreviewed} of them with no review at all:"
    ]
    for entry in short[:10]:
        lines.append(f"  - application {entry.application}, {entry.missing} missing: {entry.reason}")
    if len(short) > 10:
        lines.append(f"  - and {len(short) - 10} more")
    return lines


def optimum_check(problem: MatchingProblem, result: MatchingResult, options: MatchingOptions) -> list[str]:
    """Re-solve with every eligible pair as a candidate (nothing pruned) and compare."""
    full_options = MatchingOptions(
        fairness=options.fairness,
        mix_countries=options.mix_countries,
        candidates=problem.reviewers,
        foreign_candidates=problem.reviewers,
    )
    started = perf_counter()
    full = solve_assignment(problem, full_options)
    seconds = perf_counter() - started
    ours = int(pair_costs(result.pair_affinities(problem)).sum())
    theirs = int(pair_costs(full.pair_affinities(problem)).sum())
    total = full.pair_affinities(problem).astype(np.float64).sum()
    lines = [
        f"independent check on the full, unpruned graph ({seconds:.1f} s): "
        f"{full.pairs} pairs, total affinity {total:.3f}, "
        f"integer cost {theirs} against {ours} pruned: {'equal' if ours == theirs else 'DIFFERENT'}"
    ]
    if options.fairness and not options.mix_countries:
        allowed = problem.eligible & (problem.demand[:, None] > 0) & (problem.capacity[None, :] > 0)
        started = perf_counter()
        floor = bottleneck_floor(problem, allowed)
        lines.append(
            f"bottleneck by binary search over all {int(allowed.sum())} pairs: {floor:.6f} "
            f"({perf_counter() - started:.1f} s), the engine's floor {result.floor:.6f}"
        )
    return lines


def run_scenario(
    name: str, fairness: bool, mix_countries: bool, check_optimum: bool, spread: bool = False
) -> list[str]:
    started = perf_counter()
    call = scenario_call(name)
    generated = perf_counter() - started
    before = peak_mib()

    timings: dict[str, float] = {}
    reasons: Counter[str] = Counter()
    problem = build_problem(call, mix_countries, timings, reasons)
    prepared = dict(timings)
    options = MatchingOptions(mix_countries=mix_countries)
    result = solve_assignment(problem, options)
    timings.update(result.timings)

    conflicts = int((~problem.eligible).sum())
    label = name + (" --mix-countries" if mix_countries else "")
    lines = [
        f"### {label}",
        f"{problem.applications} applications x {problem.reviewers} reviewers x "
        f"{int(call.demand[0])} reviews; demand {int(call.demand.sum())}, capacity "
        f"{int(call.capacity.sum())} (loads {int(call.capacity.min())}-{int(call.capacity.max())}); "
        f"conflicts detected: {conflicts} pairs ({conflicts / problem.eligible.size:.2%}); "
        f"call generated in {generated:.1f} s (not timed)",
        "conflicts by first reason: " + ", ".join(f"{why} {count}" for why, count in reasons.most_common()),
        stage_line(timings),
        *quality(problem, result),
    ]
    if name == "A-tight" or (result.shortfall > 0).any():
        lines += shortfall_lines(problem, result)
    if check_optimum:
        lines += optimum_check(problem, result, options)
    if mix_countries:
        plain = solve_assignment(problem, MatchingOptions())
        plain_values = plain.pair_affinities(problem).astype(np.float64)
        lines.append(
            f"without mixing ({solver_seconds(plain):.2f} s in the solver): "
            f"{covered(problem, plain)[0]} applications with an outside reviewer, total affinity "
            f"{plain_values.sum():.3f}, weakest pair {plain_values.min():.4f}"
        )

    if spread:
        spread_options = MatchingOptions(mix_countries=mix_countries, spread_shortfall=True)
        spread_result = solve_assignment(problem, spread_options)
        lines += [
            f"#### {label} --spread-shortfall",
            f"{stage_line({**prepared, **spread_result.timings})}; "
            f"{solver_seconds(spread_result) - solver_seconds(result):+.2f} s against the run without",
            *quality(problem, spread_result),
        ]
        if (spread_result.shortfall > 0).any():
            lines += shortfall_lines(problem, spread_result)

    if fairness:
        fair_options = MatchingOptions(fairness=True, mix_countries=mix_countries)
        fair = solve_assignment(problem, fair_options)
        fair_timings = {**prepared, **fair.timings}
        lines += [
            f"#### {label} --fairness",
            f"floor {fair.floor:.4f} (weakest pair without fairness "
            f"{result.pair_affinities(problem).min():.4f}); {stage_line(fair_timings)}; "
            f"{solver_seconds(fair) - solver_seconds(result):+.2f} s against the run without",
            *quality(problem, fair),
        ]
        if name == "A-tight" or (fair.shortfall > 0).any():
            lines += shortfall_lines(problem, fair)
        if check_optimum:
            lines += optimum_check(problem, fair, fair_options)
    lines.append(f"peak resident memory {peak_mib():.0f} MiB ({before:.0f} MiB after generating the call)")
    return lines


# --- solver comparison ----------------------------------------------------------------------------


def compare_solvers(name: str, with_networkx: bool) -> list[str]:
    call = scenario_call(name)
    problem = build_problem(call, False, {})
    allowed = problem.eligible & (problem.demand[:, None] > 0) & (problem.capacity[None, :] > 0)
    candidate = best_candidates(problem, allowed, MatchingOptions())
    lines = [
        f"### Solvers on the pruned graph of {problem.applications} x {problem.reviewers} x 3 "
        f"({int(candidate.sum())} candidate pairs, maximum flow then minimum cost)"
    ]

    started = perf_counter()
    network = FlowNetwork.build(problem, candidate, False)
    flows = network.solve()
    seconds = perf_counter() - started
    apps, reviewers = network.app_index, network.reviewer_index
    costs = pair_costs(problem.affinity[apps, reviewers])
    used = flows[network.pair_arcs] > 0
    lines.append(
        f"- OR-tools SimpleMinCostFlow: {seconds:.3f} s, {int(used.sum())} pairs, "
        f"cost {int(costs[used].sum())}"
    )
    lines += scipy_highs(problem, apps, reviewers, costs)
    if with_networkx:
        lines.append(networkx_simplex(problem, apps, reviewers, costs))
    return lines


def scipy_highs(
    problem: MatchingProblem, apps: np.ndarray, reviewers: np.ndarray, costs: np.ndarray
) -> list[str]:
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp
    from scipy.sparse.csgraph import maximum_flow

    lines = []
    for method in ("linprog", "milp"):
        started = perf_counter()
        n_apps, n_reviewers, arcs = problem.applications, problem.reviewers, len(apps)
        # The engine's order: the most reviews first (a maximum flow), then the cheapest of that size.
        nodes = 2 + n_reviewers + n_apps
        tails = np.concatenate(
            [np.zeros(n_reviewers, np.int64), 1 + reviewers, 1 + n_reviewers + np.arange(n_apps)]
        )
        heads = np.concatenate(
            [1 + np.arange(n_reviewers), 1 + n_reviewers + apps, np.full(n_apps, nodes - 1)]
        )
        capacities = np.concatenate([problem.capacity, np.ones(arcs, np.int64), problem.demand])
        graph = sparse.csr_matrix((capacities.astype(np.int32), (tails, heads)), shape=(nodes, nodes))
        most = maximum_flow(graph, 0, nodes - 1).flow_value
        rows = np.concatenate([apps, n_apps + reviewers, np.full(arcs, n_apps + n_reviewers)])
        matrix = sparse.csr_matrix(
            (np.ones(3 * arcs), (rows, np.tile(np.arange(arcs), 3))), shape=(n_apps + n_reviewers + 1, arcs)
        )
        upper = np.concatenate([problem.demand, problem.capacity, [most]]).astype(float)
        lower = np.concatenate([np.zeros(n_apps + n_reviewers), [most]])
        if method == "linprog":
            solution = linprog(
                costs.astype(float),
                A_ub=matrix[:-1],
                b_ub=upper[:-1],
                A_eq=matrix[-1:],
                b_eq=[most],
                bounds=(0, 1),
                method="highs",
            )
        else:
            solution = milp(
                costs.astype(float),
                constraints=LinearConstraint(matrix, lower, upper),
                integrality=np.ones(arcs),
                bounds=Bounds(0, 1),
            )
        seconds = perf_counter() - started
        x = solution.x
        chosen = np.rint(x) > 0
        label = (
            "SciPy linprog (HiGHS) on the transportation LP"
            if method == "linprog"
            else "SciPy milp (HiGHS), integer variables"
        )
        integral = bool(np.all(np.abs(x - np.rint(x)) < 1e-6))
        lines.append(
            f"- {label}: {seconds:.3f} s, {int(chosen.sum())} pairs, "
            f"cost {int(costs[chosen].sum())}, integral solution: {integral}"
        )
    return lines


def networkx_simplex(
    problem: MatchingProblem, apps: np.ndarray, reviewers: np.ndarray, costs: np.ndarray
) -> str:
    import networkx as nx

    started = perf_counter()
    graph = nx.DiGraph()
    graph.add_edges_from(
        ("s", ("r", r), {"capacity": int(c), "weight": 0}) for r, c in enumerate(problem.capacity.tolist())
    )
    graph.add_edges_from(
        (("r", r), ("a", a), {"capacity": 1, "weight": int(w)})
        for a, r, w in zip(apps.tolist(), reviewers.tolist(), costs.tolist(), strict=True)
    )
    graph.add_edges_from(
        (("a", a), "t", {"capacity": int(d), "weight": 0}) for a, d in enumerate(problem.demand.tolist())
    )
    flow = nx.max_flow_min_cost(graph, "s", "t")
    seconds = perf_counter() - started
    pairs = sum(flow[("r", r)][("a", a)] for a, r in zip(apps.tolist(), reviewers.tolist(), strict=True))
    return (
        f"- NetworkX max_flow_min_cost (network simplex): {seconds:.3f} s, {pairs} pairs, "
        f"cost {nx.cost_of_flow(graph, flow)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=["A", "A-tight", "B", "all", "none"], default="A")
    parser.add_argument("--fairness", action="store_true", help="also solve with the fairness floor")
    parser.add_argument("--mix-countries", action="store_true")
    parser.add_argument(
        "--spread-shortfall",
        action="store_true",
        help="also solve giving every application a first reviewer before affinity counts",
    )
    parser.add_argument(
        "--compare-solvers",
        action="store_true",
        help="OR-tools, SciPy and NetworkX on the pruned graphs of a 1,000 x 200 call "
        "and of scenario A (about a minute)",
    )
    parser.add_argument(
        "--check-optimum",
        action="store_true",
        help="re-solve on the full, unpruned graph (always done for A; slow on B)",
    )
    args = parser.parse_args()

    print(f"machine: {machine()}", flush=True)
    if args.compare_solvers:
        print("\n".join(compare_solvers("compare", with_networkx=True)), flush=True)
        print("\n".join(compare_solvers("A", with_networkx=True)), flush=True)
    if args.scenario == "none":
        return
    if args.scenario == "all":
        wanted = {
            "--fairness": args.fairness,
            "--mix-countries": args.mix_countries,
            "--check-optimum": args.check_optimum,
            "--spread-shortfall": args.spread_shortfall,
        }
        flags = [flag for flag, on in wanted.items() if on]
        for name in ("A", "A-tight", "B"):
            # A process per scenario, so that each peak memory figure is the scenario's own.
            subprocess.run([sys.executable, __file__, "--scenario", name, *flags], check=True)  # noqa: S603
        return
    check = args.check_optimum or args.scenario == "A"
    report = run_scenario(args.scenario, args.fairness, args.mix_countries, check, args.spread_shortfall)
    print("\n".join(report), flush=True)


if __name__ == "__main__":
    main()
