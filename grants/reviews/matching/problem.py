"""What the assignment engine is asked and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Affinities become integer costs at this resolution: 10^-6 apart still order correctly.
COST_SCALE = 1_000_000


@dataclass(frozen=True)
class MatchingProblem:
    """Rows are applications, columns reviewers.

    ``eligible`` is False wherever a pair must never be used: a conflict of interest, a reviewer
    unavailable, a pair already assigned or declined. ``demand`` is the number of reviewers each
    application still needs, ``capacity`` how many more each reviewer can take. ``foreign`` marks
    reviewers from outside an application's countries, and ``needs_foreign`` the applications that
    have none yet; both only matter with ``MatchingOptions.mix_countries``.
    """

    affinity: np.ndarray
    eligible: np.ndarray
    demand: np.ndarray
    capacity: np.ndarray
    foreign: np.ndarray | None = None
    needs_foreign: np.ndarray | None = None

    def __post_init__(self) -> None:
        shape = self.affinity.shape
        if self.eligible.shape != shape:
            raise ValueError("eligible must have the affinity's shape")
        if self.demand.shape != (shape[0],) or self.capacity.shape != (shape[1],):
            raise ValueError("one demand per application and one capacity per reviewer")
        if (self.demand < 0).any() or (self.capacity < 0).any():
            raise ValueError("demand and capacity cannot be negative")
        if self.foreign is not None and self.foreign.shape != shape:
            raise ValueError("foreign must have the affinity's shape")

    @property
    def applications(self) -> int:
        return self.affinity.shape[0]

    @property
    def reviewers(self) -> int:
        return self.affinity.shape[1]


@dataclass(frozen=True)
class MatchingOptions:
    """``fairness`` first makes the weakest assigned pair as strong as the pool allows, then
    maximises total affinity above that floor. ``mix_countries`` gives each application at least
    one reviewer from outside its countries wherever the pool allows, before affinity counts.
    ``spread_shortfall``, when the pool cannot give every review, first gives as many applications
    as possible at least one reviewer (before mixing and affinity), instead of leaving the
    applications that fit the pool worst with none. ``candidates`` is how many best reviewers per
    application the first solve looks at; the optimality proof then checks every other pair and
    widens the set where needed."""

    fairness: bool = False
    mix_countries: bool = False
    spread_shortfall: bool = False
    candidates: int = 24
    foreign_candidates: int = 8


@dataclass
class MatchingResult:
    app_index: np.ndarray
    reviewer_index: np.ndarray
    shortfall: np.ndarray
    certified: bool
    rounds: int
    floor: float | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def pair_affinities(self, problem: MatchingProblem) -> np.ndarray:
        return problem.affinity[self.app_index, self.reviewer_index]

    @property
    def pairs(self) -> int:
        return len(self.app_index)
