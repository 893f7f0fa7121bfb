"""What applicants may read of their reviews once decisions are released: the comments reviewers
wrote for them, numbered, without names, scores or anything written for the panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from grants.applications.models import Application
from grants.extensions import db
from grants.reviews.models import Review, ReviewAssignment
from grants.reviews.states import AssignmentState, ReviewState


def released_feedback(application: Application) -> list[str]:
    """The applicant-facing comments of the submitted reviews, in a fixed order that reveals
    nothing (by review id, not by reviewer)."""
    comments = db.session.scalars(
        select(Review.comments_for_applicant)
        .join(ReviewAssignment)
        .where(
            ReviewAssignment.application_id == application.id,
            ReviewAssignment.state == AssignmentState.ACCEPTED,
            Review.state == ReviewState.SUBMITTED,
        )
        .order_by(Review.id)
    )
    return [text.strip() for text in comments if text and text.strip()]


@dataclass(frozen=True)
class ReleasedDecision:
    outcome: str
    released_at: datetime
    feedback: list[str]
    award: Any | None


def released_decision(application: Application) -> ReleasedDecision | None:
    """What the team may see of the decision: nothing at all until it is released."""
    decision = application.decision
    if decision is None or not decision.is_released or decision.released_at is None:
        return None
    return ReleasedDecision(
        decision.outcome, decision.released_at, released_feedback(application), application.award
    )
