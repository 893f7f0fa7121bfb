"""Finding review objects for pages, and what a reviewer's and an officer's lists show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.accounts.models import User
from grants.applications.models import Application
from grants.calls.models import Call
from grants.calls.states import CallState
from grants.extensions import db
from grants.reviews.models import AssignmentProposal, ConflictOfInterest, Review, ReviewAssignment
from grants.reviews.services.pool import (
    active_loads,
    call_assignments,
    max_reviews,
    review_window,
    reviewable_applications,
    reviewer_pool,
    unavailability,
)
from grants.reviews.services.scoring import reviewer_biases
from grants.reviews.states import ACTIVE_ASSIGNMENT_STATES, AssignmentState


def find_assignment(assignment_id: int) -> ReviewAssignment | None:
    return db.session.get(ReviewAssignment, assignment_id)


def find_proposal(proposal_id: int) -> AssignmentProposal | None:
    return db.session.get(AssignmentProposal, proposal_id)


def find_review(review_id: int) -> Review | None:
    return db.session.get(Review, review_id)


def find_conflict(conflict_id: int) -> ConflictOfInterest | None:
    return db.session.get(ConflictOfInterest, conflict_id)


def my_assignments(reviewer: User) -> list[ReviewAssignment]:
    """The reviewer's invitations and reviews, open ones first, newest first, each with the
    application and review its row shows (loaded with the list, not one query per row)."""
    rows = db.session.scalars(
        select(ReviewAssignment)
        .where(ReviewAssignment.reviewer_id == reviewer.id)
        .options(joinedload(ReviewAssignment.application), joinedload(ReviewAssignment.review))
        .order_by(ReviewAssignment.invited_at.desc(), ReviewAssignment.id.desc())
    )
    order = {AssignmentState.INVITED: 0, AssignmentState.ACCEPTED: 1}
    return sorted(rows, key=lambda a: order.get(a.state, 2))


def bidding_calls() -> list[Call]:
    return list(
        db.session.scalars(
            select(Call)
            .where(Call.invites_bids.is_(True), Call.state.in_([CallState.CLOSED, CallState.REVIEWING]))
            .order_by(Call.closes_at.desc())
        )
    )


@dataclass
class ApplicationRouting:
    application: Application
    assignments: list[ReviewAssignment]
    required: int

    @property
    def active(self) -> list[ReviewAssignment]:
        return [a for a in self.assignments if a.state in ACTIVE_ASSIGNMENT_STATES]

    @property
    def missing(self) -> int:
        return max(0, self.required - len(self.active))

    @property
    def submitted(self) -> int:
        return sum(1 for a in self.active if a.has_submitted_review)


def routing_overview(call: Call) -> list[ApplicationRouting]:
    """Each reviewable application with every invitation it has had."""
    by_app: dict[int, list[ReviewAssignment]] = {}
    for assignment in call_assignments(call):
        by_app.setdefault(assignment.application_id, []).append(assignment)
    return [
        ApplicationRouting(a, by_app.get(a.id, []), call.reviews_required)
        for a in reviewable_applications(call)
    ]


@dataclass
class PoolMember:
    """A reviewer as the officer routing a call sees them."""

    reviewer: User
    held: int
    submitted: int
    limit: int
    away: str | None
    bias: float | None

    @property
    def spare(self) -> int:
        return 0 if self.away else max(0, self.limit - self.held)


def pool_overview(call: Call, now: datetime) -> list[PoolMember]:
    """Every reviewer in the pool with their load in this call, their availability during its
    review period, and how their scores compare (once they have submitted some)."""
    assignments = call_assignments(call)
    loads = active_loads(assignments)
    submitted = Counter(
        a.reviewer_id for a in assignments if a.state == AssignmentState.ACCEPTED and a.has_submitted_review
    )
    biases = reviewer_biases(call)
    window = review_window(call, now)
    return [
        PoolMember(
            reviewer,
            loads[reviewer.id],
            submitted[reviewer.id],
            max_reviews(reviewer),
            unavailability(reviewer, window),
            biases.get(reviewer.id),
        )
        for reviewer in reviewer_pool(call)
    ]
