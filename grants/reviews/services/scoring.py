"""Scores: a review's overall score, each application's raw and calibrated scores, and the
panel's ranked list with each funder's running total against its envelope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import Row, select

from grants.applications.models import Application
from grants.applications.services.budget import funder_totals
from grants.calls.models import Call
from grants.extensions import db
from grants.reviews.calibration import calibrate
from grants.reviews.models import Review, ReviewAssignment
from grants.reviews.services.pool import REVIEWABLE_STATES, reviewable_applications
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


class Heading(NamedTuple):
    """What a ranking needs of an application to sort it and link to it: a page that ranks a
    whole call reads these as plain rows rather than loading thousands of applications."""

    id: int
    reference: str | None
    title: str

    @property
    def display_reference(self) -> str:
        """As ``Application.display_reference`` says it."""
        return self.reference or _("Draft %(number)s", number=self.id)


@dataclass
class ApplicationScores:
    application: Application | Heading
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


def submitted_scores(call: Call) -> list[Row[tuple[int, int, float]]]:
    """(application id, reviewer id, overall score) of each submitted review by a reviewer still
    on their application: a review whose reviewer was taken off (a conflict found after they
    submitted) no longer counts. Plain rows: a call of thousands has tens of thousands of
    reviews, and scoring needs nothing else of them."""
    statement = (
        select(ReviewAssignment.application_id, ReviewAssignment.reviewer_id, Review.overall_score)
        .join(Review, Review.assignment_id == ReviewAssignment.id)
        .where(
            ReviewAssignment.call_id == call.id,
            ReviewAssignment.state == AssignmentState.ACCEPTED,
            Review.state == ReviewState.SUBMITTED,
            Review.overall_score.is_not(None),
        )
    )
    # Through the connection: rows as the database gives them, without the ORM's work per row.
    return db.session.connection().execute(statement).all()


def call_scores(call: Call, applications: list[Application] | None = None) -> dict[int, ApplicationScores]:
    """Raw and calibrated scores for every reviewable application of the call (or for
    ``applications``: once decided, the call's applications are no longer in review)."""
    return score_call(call, applications)[0]


def application_scores(call: Call, application: Application) -> ApplicationScores | None:
    """One application's row of ``call_scores``, calibrated against the whole call, without
    loading the call's other applications; None when it is not in review."""
    reviewable = reviewable_application_ids(call)
    if application.id not in reviewable:
        return None
    scored = score_applications(call, reviewable)
    return ApplicationScores(
        application,
        scored.scores[application.id],
        scored.calibrated.get(application.id),
        required=call.reviews_required,
    )


def reviewer_biases(call: Call) -> dict[int, float]:
    """How far each reviewer's scores sit above (positive) or below the merit the model finds, by
    reviewer id: the harshness or generosity calibration corrects for."""
    return score_applications(call, reviewable_application_ids(call)).biases


def reviewable_application_ids(call: Call) -> list[int]:
    return list(
        db.session.scalars(
            select(Application.id).where(
                Application.call_id == call.id, Application.state.in_(REVIEWABLE_STATES)
            )
        )
    )


@dataclass
class Scored:
    """Each application's submitted scores and calibrated score, and each reviewer's bias."""

    scores: dict[int, list[float]]
    calibrated: dict[int, float]
    biases: dict[int, float]


def score_applications(call: Call, application_ids: Iterable[int]) -> Scored:
    """Scores of ``application_ids`` (by id), calibrated over their reviews alone."""
    scores: dict[int, list[float]] = {app_id: [] for app_id in application_ids}
    triples = [t for t in submitted_scores(call) if t[0] in scores]
    for application_id, _reviewer_id, score in triples:
        scores[application_id].append(score)
    # As columns: a large call's tens of thousands of reviews go to the calibration as arrays.
    apps, reviewers, values = (
        (np.asarray(column) for column in zip(*triples, strict=True)) if triples else ([], [], [])
    )
    calibration = calibrate(apps, reviewers, values)
    low, high = display_scale(call)
    return Scored(
        scores,
        {app_id: round(min(max(merit, low), high), 3) for app_id, merit in calibration.merit.items()},
        {reviewer_id: round(bias, 3) for reviewer_id, bias in calibration.bias.items()},
    )


def score_call(
    call: Call, applications: list[Application] | None = None
) -> tuple[dict[int, ApplicationScores], dict[int, float]]:
    if applications is None:
        applications = reviewable_applications(call)
    scored = score_applications(call, (a.id for a in applications))
    rows = {
        a.id: ApplicationScores(
            a, scored.scores[a.id], scored.calibrated.get(a.id), required=call.reviews_required
        )
        for a in applications
    }
    return rows, scored.biases


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


def sort_order(sort: str, ascending: bool | None) -> tuple[str, bool]:
    """The sort asked for, or by calibrated score; its natural direction unless one was asked for."""
    sort = sort if sort in SORT_KEYS else "calibrated"
    return sort, DEFAULT_ASCENDING.get(sort, False) if ascending is None else ascending


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

    Rows the viewer is conflicted with keep their budget but hide their scores."""
    sort, ascending = sort_order(sort, ascending)
    rows = list(call_scores(call, applications).values())
    for row in rows:
        row.hidden = not can_see_scores(viewer, row.application)
        row.requested = {t.call_funder.id: t.total_minor for t in funder_totals(row.application)}
    return Ranking(call, place_rows(rows, sort, ascending), sort, ascending, display_scale(call))


def place_rows(rows: list[ApplicationScores], sort: str, ascending: bool) -> list[ApplicationScores]:
    """The rows in ranking order, each with the running total of every funder's requests down to
    it. Rows the viewer may not score go last, by reference: their place must not give scores
    away; they keep their budget."""
    visible = sort_rows([r for r in rows if not r.hidden], sort, ascending)
    hidden = sorted((r for r in rows if r.hidden), key=lambda r: r.application.display_reference)
    placed = visible + hidden
    running: dict[int, int] = defaultdict(int)
    for row in placed:
        for call_funder_id, amount in row.requested.items():
            running[call_funder_id] += amount
        row.running = dict(running)
    return placed
