"""Reviews on the clock: reminders to reviewers who accepted and have not submitted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from grants.applications.models import Application
from grants.calls.models import Call
from grants.deadlines.milestones import OVERDUE_WINDOW, REVIEW_DUE, chase_due, earliest_start, stale_after
from grants.deadlines.outbox import Reminder, reminder_key
from grants.extensions import db
from grants.links import external_url
from grants.reviews.models import Review, ReviewAssignment
from grants.reviews.services.pool import REVIEWABLE_STATES
from grants.reviews.states import AssignmentState, ReviewState


def unfinished_assignments(due_before: datetime, due_after: datetime | None = None):
    """Accepted assignments without a submitted review, on applications still in review, whose
    call's review due time lies in the window."""
    query = (
        select(ReviewAssignment)
        .join(ReviewAssignment.call)
        .join(ReviewAssignment.application)
        .outerjoin(ReviewAssignment.review)
        .where(
            ReviewAssignment.state == AssignmentState.ACCEPTED,
            Application.state.in_(REVIEWABLE_STATES),
            Call.review_due_at.is_not(None),
            Call.review_due_at <= due_before,
            or_(Review.id.is_(None), Review.state != ReviewState.SUBMITTED),
        )
    )
    return query if due_after is None else query.where(Call.review_due_at > due_after)


def review_reminders(now: datetime) -> list[Reminder]:
    """Before the due time (7 days, 1 day) and once after it, while it is recent."""
    assignments = db.session.scalars(
        unfinished_assignments(now + earliest_start(REVIEW_DUE), now - OVERDUE_WINDOW).options(
            joinedload(ReviewAssignment.reviewer),
            joinedload(ReviewAssignment.call),
            joinedload(ReviewAssignment.application),
        )
    ).unique()
    reminders = []
    for assignment in assignments:
        due = assignment.call.review_due_at
        name = chase_due(due, now, REVIEW_DUE)
        if name is None:
            continue
        template = "review_overdue" if name == "overdue" else "review_reminder"
        context = {
            "title": assignment.application.title,
            "call": assignment.call.title,
            "due_at": due.isoformat(),
            "link": external_url("reviews.review", assignment_id=assignment.id),
        }
        key = reminder_key("review_due", name, due, assignment.id, assignment.reviewer_id)
        reminders.append(Reminder(template, key, assignment.reviewer, context, stale_after(due, name)))
    return reminders
