"""Why an application got fewer reviewers than it needs, in words an officer can act on.

``Shortfall.reason`` is the English record kept with a proposal; ``describe_shortfall`` says the
same in the reader's language for the page, from the counts kept beside it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flask_babel import gettext as _
from flask_babel import ngettext

from grants.reviews.matching.problem import MatchingProblem, MatchingResult


@dataclass(frozen=True)
class Shortfall:
    application: int
    missing: int
    eligible: int
    reason: str
    # The places the application still needed when the pool was asked.
    demand: int = 0


def explain_shortfalls(problem: MatchingProblem, result: MatchingResult) -> list[Shortfall]:
    """One entry per application left short, most missing first."""
    short = np.flatnonzero(result.shortfall > 0)
    if not len(short):
        return []
    eligible = problem.eligible[short].sum(axis=1)
    explained = []
    for app, count in zip(short.tolist(), eligible.tolist(), strict=True):
        demand = int(problem.demand[app])
        if count < demand:
            reason = (
                f"only {count} eligible reviewer{'s' if count != 1 else ''} for {demand} places: "
                "the rest of the pool is conflicted, unavailable or already used"
            )
        else:
            reason = (
                f"{count} eligible reviewers, but they are at their review limit with "
                "applications where they fit better"
            )
        explained.append(Shortfall(app, int(result.shortfall[app]), count, reason, demand))
    explained.sort(key=lambda s: (-s.missing, s.application))
    return explained


def describe_shortfall(eligible: int, demand: int) -> str:
    """The reason of a shortfall in the reader's language (``Shortfall.reason`` is the record)."""
    if eligible < demand:
        return ngettext(
            "only %(num)d eligible reviewer for %(demand)d places: the rest of the pool is "
            "conflicted, unavailable or already used",
            "only %(num)d eligible reviewers for %(demand)d places: the rest of the pool is "
            "conflicted, unavailable or already used",
            eligible,
            demand=demand,
        )
    return _(
        "%(count)d eligible reviewers, but they are at their review limit with applications "
        "where they fit better",
        count=eligible,
    )


def capacity_gap(problem: MatchingProblem) -> int:
    """How many more reviews are asked for than the pool can give in total (0 when it can)."""
    return max(0, int(problem.demand.sum()) - int(problem.capacity.sum()))
