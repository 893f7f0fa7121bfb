"""Scores: a review's overall score, each application's raw and calibrated scores, and the
panel's ranked list with each funder's running total against its envelope."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from grants.applications.models import Application
from grants.applications.services.budget import funder_totals
from grants.calls.models import Call
from grants.extensions import db
from grants.reviews.calibration import calibrate
from grants.reviews.models import Review, ReviewAssignment
from grants.reviews.services.pool import reviewable_applications
from grants.reviews.states import AssignmentState, ReviewState
from grants.security.predicates import can_see_scores

# Reviewers disagree strongly when their overall scores span this share of the scale or more.
DISAGREEMENT_SHARE = 0.4
# A scale for the overall score when the criteria use different ones.
COMMON_SCALE = (0, 10)


def display_scale(call: Call) -> tuple[int, int]:
    """The criteria's scale when they share one (most rubrics do), else 0 to 10."""
    scales = {(c.scale_min, c.scale_max) for c in call.criteria}
    return scales.pop() if len(scales) == 1 else COMMON_SCALE


def review_score(call: Call, scores: dict[int, int]) -> float:
    """The weighted mean of the criterion scores, each first placed on its own scale, then
    expressed on the call's display scale."""
    low, high = display_scale(call)
    total_weight = sum(c.weight for c in call.criteria if c.id in scores)
    if not total_weight:
        return float(low)
    share = (
        sum(
            c.weight * (scores[c.id] - c.scale_min) / max(c.scale_max - c.scale_min, 1)
            for c in call.criteria
            if c.id in scores
        )
        / total_weight
    )
    return round(low + share * (high - low), 3)


@dataclass
class ApplicationScores:
    application: Application
    scores: list[float] = field(default_factory=list)
    calibrated: float | None = None
    required: int = 0
    requested: dict[int, int] = field(default_factory=dict)
    hidden: bool = False
    running: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def mean(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None

    @property
    def spread(self) -> float | None:
        return max(self.scores) - min(self.scores) if len(self.scores) > 1 else None


def submitted_reviews(call: Call) -> list[Review]:
    """Submitted reviews by reviewers still on their application: a review whose reviewer was
    taken off (a conflict found after they submitted) no longer counts."""
    return list(
        db.session.scalars(
            select(Review)
            .join(ReviewAssignment)
            .where(
                ReviewAssignment.call_id == call.id,
                ReviewAssignment.state == AssignmentState.ACCEPTED,
                Review.state == ReviewState.SUBMITTED,
            )
            .options(contains_eager(Review.assignment))
        )
    )


def call_scores(call: Call, applications: list[Application] | None = None) -> dict[int, ApplicationScores]:
    """Raw and calibrated scores for every reviewable application of the call (or for
    ``applications``: once decided, the call's applications are no longer in review)."""
    return score_call(call, applications)[0]


def reviewer_biases(call: Call) -> dict[int, float]:
    """How far each reviewer's scores sit above (positive) or below the merit the model finds, by
    reviewer id: the harshness or generosity calibration corrects for."""
    return score_call(call)[1]


def score_call(
    call: Call, applications: list[Application] | None = None
) -> tuple[dict[int, ApplicationScores], dict[int, float]]:
    if applications is None:
        applications = reviewable_applications(call)
    rows = {a.id: ApplicationScores(a, required=call.reviews_required) for a in applications}
    triples = []
    for review in submitted_reviews(call):
        assignment = review.assignment
        if assignment.application_id in rows and review.overall_score is not None:
            rows[assignment.application_id].scores.append(review.overall_score)
            triples.append((assignment.application_id, assignment.reviewer_id, review.overall_score))
    calibration = calibrate([t[0] for t in triples], [t[1] for t in triples], [t[2] for t in triples])
    low, high = display_scale(call)
    for app_id, merit in calibration.merit.items():
        rows[app_id].calibrated = round(min(max(merit, low), high), 3)
    return rows, {reviewer_id: round(bias, 3) for reviewer_id, bias in calibration.bias.items()}


def disagreement(call: Call, row: ApplicationScores) -> bool:
    low, high = display_scale(call)
    return row.spread is not None and row.spread >= DISAGREEMENT_SHARE * (high - low)


SORT_KEYS: dict[str, Any] = {
    "calibrated": lambda r: r.calibrated,
    "mean": lambda r: r.mean,
    "spread": lambda r: r.spread,
    "reviews": lambda r: r.count,
    "reference": lambda r: r.application.display_reference,
    "title": lambda r: r.application.title.casefold(),
}
# Scores read best first; names read A to Z.
DEFAULT_ASCENDING = {"reference": True, "title": True}


def sort_rows(rows: list[ApplicationScores], sort: str, ascending: bool) -> list[ApplicationScores]:
    """Rows in the chosen order; rows without a value (no reviews yet) always last."""
    key = SORT_KEYS[sort]
    valued = [r for r in rows if key(r) is not None]
    valued.sort(key=lambda r: (key(r), r.application.display_reference), reverse=not ascending)
    return valued + [r for r in rows if key(r) is None]


@dataclass
class Ranking:
    call: Call
    rows: list[ApplicationScores]
    sort: str
    ascending: bool
    scale: tuple[int, int]


def ranking(
    call: Call,
    viewer: Any,
    sort: str = "calibrated",
    ascending: bool | None = None,
    applications: list[Application] | None = None,
) -> Ranking:
    """The panel's list in the chosen order, with each funder's request and running total.

    Rows the viewer is conflicted with keep their place and budget but hide their scores."""
    sort = sort if sort in SORT_KEYS else "calibrated"
    if ascending is None:
        ascending = DEFAULT_ASCENDING.get(sort, False)
    rows = list(call_scores(call, applications).values())
    for row in rows:
        row.hidden = not can_see_scores(viewer, row.application)
    # Rows the viewer may not score go last, by reference: their place must not give scores away.
    visible = sort_rows([r for r in rows if not r.hidden], sort, ascending)
    hidden = sorted((r for r in rows if r.hidden), key=lambda r: r.application.display_reference)
    rows = visible + hidden
    running: dict[int, int] = defaultdict(int)
    for row in rows:
        row.requested = {t.call_funder.id: t.total_minor for t in funder_totals(row.application)}
        for call_funder_id, amount in row.requested.items():
            running[call_funder_id] += amount
        row.running = dict(running)
    return Ranking(call, rows, sort, ascending, display_scale(call))
