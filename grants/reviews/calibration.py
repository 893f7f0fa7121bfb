"""Scores corrected for reviewer harshness.

The model: a reviewer's score for an application is the application's merit plus the reviewer's
bias plus noise. Merit and bias come from regularised least squares, solved by alternating
updates (each is a closed-form mean given the other). The regulariser pulls a bias towards zero
in proportion to how few applications the reviewer scored, so one harsh score from a reviewer
with a single review barely moves anything, while a reviewer who is harsh across ten applications
is corrected almost fully.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

SHRINKAGE = 1.0
TOLERANCE = 1e-9
MAX_ITERATIONS = 500


@dataclass(frozen=True)
class Calibration:
    merit: dict[Hashable, float]
    bias: dict[Hashable, float]
    iterations: int


def calibrate(
    applications: Sequence[Hashable],
    reviewers: Sequence[Hashable],
    scores: Sequence[float],
    shrinkage: float = SHRINKAGE,
) -> Calibration:
    """Merit per application and bias per reviewer from (application, reviewer, score) triples."""
    if not scores:
        return Calibration({}, {}, 0)
    app_keys, app_index = np.unique(np.asarray(applications, dtype=object), return_inverse=True)
    reviewer_keys, reviewer_index = np.unique(np.asarray(reviewers, dtype=object), return_inverse=True)
    values = np.asarray(scores, dtype=np.float64)
    per_app = np.bincount(app_index, minlength=len(app_keys))
    per_reviewer = np.bincount(reviewer_index, minlength=len(reviewer_keys))
    bias = np.zeros(len(reviewer_keys))
    iteration = 0
    while iteration < MAX_ITERATIONS:
        iteration += 1
        merit = np.bincount(app_index, values - bias[reviewer_index], len(app_keys)) / per_app
        new_bias = np.bincount(reviewer_index, values - merit[app_index], len(reviewer_keys)) / (
            per_reviewer + shrinkage
        )
        change = np.abs(new_bias - bias).max()
        bias = new_bias
        if change < TOLERANCE:
            break
    merit = np.bincount(app_index, values - bias[reviewer_index], len(app_keys)) / per_app
    return Calibration(
        merit=dict(zip(app_keys.tolist(), merit.tolist(), strict=True)),
        bias=dict(zip(reviewer_keys.tolist(), bias.tolist(), strict=True)),
        iterations=iteration,
    )
