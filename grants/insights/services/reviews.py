"""Review progress: how many reviewers were invited, accepted, submitted, and how many are late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select

from grants.calls.models import Call
from grants.extensions import db
from grants.insights.services.scope import FigureScope
from grants.reviews.models import Review, ReviewAssignment
from grants.reviews.states import AssignmentState, ReviewState


@dataclass(frozen=True)
class ReviewProgress:
    # Every invitation sent, whatever became of it.
    invited: int
    # Invitations accepted, including those whose review is in.
    accepted: int
    submitted: int
    # Accepted, not submitted, and the call's review due time has passed.
    late: int
    declined: int
    # Sent and not yet answered.
    awaiting_answer: int
    cancelled: int

    @property
    def in_progress(self) -> int:
        return self.accepted - self.submitted


def review_progress(scope: FigureScope, now: datetime) -> ReviewProgress:
    """One grouped query over the assignments of the calls in ``scope``."""
    submitted = Review.state == ReviewState.SUBMITTED
    late = and_(
        ReviewAssignment.state == AssignmentState.ACCEPTED,
        func.coalesce(Review.state, ReviewState.DRAFT) != ReviewState.SUBMITTED,
        Call.review_due_at.is_not(None),
        Call.review_due_at < now,
    )
    rows = db.session.execute(
        select(
            ReviewAssignment.state,
            func.count(),
            func.sum(case((submitted, 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
        )
        .join(Call, Call.id == ReviewAssignment.call_id)
        .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
        .where(scope.on(ReviewAssignment.call_id))
        .group_by(ReviewAssignment.state)
    ).all()
    by_state: dict[str, int] = {}
    submitted_count = late_count = 0
    for state, count, submitted_here, late_here in rows:
        by_state[state] = count
        # A review stays attached to a cancelled place; only accepted places count as done.
        if state == AssignmentState.ACCEPTED:
            submitted_count += int(submitted_here or 0)
            late_count += int(late_here or 0)
    return ReviewProgress(
        invited=sum(by_state.values()),
        accepted=by_state.get(AssignmentState.ACCEPTED, 0),
        submitted=submitted_count,
        late=late_count,
        declined=by_state.get(AssignmentState.DECLINED, 0),
        awaiting_answer=by_state.get(AssignmentState.INVITED, 0),
        cancelled=by_state.get(AssignmentState.CANCELLED, 0),
    )
