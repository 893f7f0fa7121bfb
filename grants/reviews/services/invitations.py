"""Invitations to review: sending them, the reviewer's answer, and replacing those who decline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import func, select

from grants.accounts.models import User
from grants.accounts.roles import Role
from grants.applications.models import Application
from grants.audit.services import record
from grants.calls.services.lifecycle import start_reviewing
from grants.calls.states import CallState
from grants.database import lock_and_reload
from grants.errors import Conflict, NotFound, PermissionDenied, ValidationError
from grants.extensions import db
from grants.links import external_url
from grants.reviews.detection import describe_reason
from grants.reviews.models import PANEL_DECIDED, ReviewAssignment
from grants.reviews.services.mail import email_reviewer
from grants.reviews.services.pool import (
    REVIEWABLE_STATES,
    max_reviews,
    require_routing,
    require_unconflicted,
    review_window,
    unavailability,
)
from grants.reviews.services.problem_builder import build_call_problem, pair_fit
from grants.reviews.services.reasons import clean_reason
from grants.reviews.states import ACTIVE_ASSIGNMENT_STATES, AssignmentState, check_assignment_transition
from grants.security.predicates import conflict_reasons


def _active_count(*conditions: Any) -> int:
    return (
        db.session.scalar(
            select(func.count(ReviewAssignment.id)).where(
                ReviewAssignment.state.in_(ACTIVE_ASSIGNMENT_STATES), *conditions
            )
        )
        or 0
    )


def check_new_place(
    application: Application, reviewer: User, now: datetime, *, extra_places: int = 0, extra_load: int = 0
) -> None:
    """Refuse a new reviewer for ``application`` that breaks a rule, saying which."""
    call = application.call
    if application.state not in REVIEWABLE_STATES:
        raise Conflict(
            _(
                "%(reference)s is %(state)s; it takes no reviewers.",
                reference=application.display_reference,
                state=application.state_label.lower(),
            )
        )
    if not reviewer.has_role(Role.REVIEWER) or not reviewer.is_active:
        raise ValidationError(
            _("%(name)s is not an active reviewer.", name=reviewer.full_name), field="reviewer"
        )
    reasons = conflict_reasons(reviewer, application)
    if reasons:
        raise ValidationError(
            _(
                "%(name)s has a conflict of interest: %(reason)s.",
                name=reviewer.full_name,
                reason=describe_reason(reasons[0]).rstrip("."),
            ),
            field="reviewer",
        )
    earlier = db.session.scalar(
        select(ReviewAssignment).where(
            ReviewAssignment.application_id == application.id, ReviewAssignment.reviewer_id == reviewer.id
        )
    )
    if earlier is not None:
        raise ValidationError(
            _(
                "%(name)s was already invited to review this application (%(state)s).",
                name=reviewer.full_name,
                state=earlier.state_label.lower(),
            ),
            field="reviewer",
        )
    away = unavailability(reviewer, review_window(call, now))
    if away:
        raise ValidationError(
            _("%(name)s is %(away)s.", name=reviewer.full_name, away=away), field="reviewer"
        )
    load = _active_count(ReviewAssignment.call_id == call.id, ReviewAssignment.reviewer_id == reviewer.id)
    if load + extra_load >= max_reviews(reviewer):
        raise ValidationError(
            _(
                "%(name)s already has %(load)s reviews in this call, their limit is %(limit)s.",
                name=reviewer.full_name,
                load=load + extra_load,
                limit=max_reviews(reviewer),
            ),
            field="reviewer",
        )
    places = _active_count(ReviewAssignment.application_id == application.id)
    if places + extra_places >= call.reviews_required:
        raise ValidationError(
            _(
                "%(reference)s already has %(places)s of its %(required)s reviewers; remove one first.",
                reference=application.display_reference,
                places=places + extra_places,
                required=call.reviews_required,
            ),
            field="application",
        )


def invite(
    actor: User,
    application: Application,
    reviewer: User,
    now: datetime,
    *,
    affinity: float | None = None,
    explanation: dict[str, Any] | None = None,
) -> ReviewAssignment:
    require_routing(actor, application.call)
    require_unconflicted(actor, application)
    check_new_place(application, reviewer, now)
    if application.call.state == CallState.CLOSED:
        # The first invitation starts reviewing, which fixes the rubric reviewers score against.
        start_reviewing(actor, application.call)
    assignment = ReviewAssignment(
        call_id=application.call_id,
        application_id=application.id,
        reviewer_id=reviewer.id,
        state=AssignmentState.INVITED,
        affinity=affinity,
        explanation=explanation or {},
        invited_at=now,
        invited_by_id=actor.id,
    )
    db.session.add(assignment)
    db.session.flush()
    call = application.call
    email_reviewer(
        assignment,
        "review_invitation",
        f"review-invitation-{assignment.id}",
        reference=application.record_reference,
        due_at=call.review_due_at.isoformat() if call.review_due_at else None,
        link=external_url("reviews.invitation", assignment_id=assignment.id),
    )
    record(
        actor,
        "assignment.invited",
        assignment,
        {"application_id": application.id, "reviewer_id": reviewer.id},
    )
    return assignment


def _own(actor: User, assignment: ReviewAssignment) -> None:
    if assignment.reviewer_id != actor.id:
        raise PermissionDenied(_("This invitation is for someone else."))


def accept_invitation(actor: User, assignment: ReviewAssignment, now: datetime) -> ReviewAssignment:
    lock_and_reload(assignment)
    _own(actor, assignment)
    if conflict_reasons(actor, assignment.application):
        raise Conflict(_("You have a conflict of interest with this application and cannot review it."))
    if assignment.application.state not in REVIEWABLE_STATES:
        raise Conflict(_("This application is no longer in review."))
    check_assignment_transition(assignment.state, AssignmentState.ACCEPTED)
    assignment.state = AssignmentState.ACCEPTED
    assignment.responded_at = now
    record(actor, "assignment.accepted", assignment)
    return assignment


def decline_invitation(
    actor: User, assignment: ReviewAssignment, reason: str, now: datetime
) -> ReviewAssignment:
    """Decline with a reason; the best available replacement is worked out for the officer."""
    lock_and_reload(assignment)
    _own(actor, assignment)
    reason = clean_reason(reason, _("Tell the programme officer briefly why you decline."))
    check_assignment_transition(assignment.state, AssignmentState.DECLINED)
    assignment.state = AssignmentState.DECLINED
    assignment.responded_at = now
    assignment.decline_reason = reason
    db.session.flush()
    suggestion = best_replacement(assignment.application, now)
    assignment.suggested_reviewer_id = suggestion.id if suggestion is not None else None
    record(
        actor,
        "assignment.declined",
        assignment,
        {"reason": reason, "suggested_reviewer_id": assignment.suggested_reviewer_id},
    )
    return assignment


def best_replacement(application: Application, now: datetime) -> User | None:
    """The eligible reviewer with spare load who fits the application best, if any."""
    built = build_call_problem(application.call, now, applications=[application])
    problem = built.problem
    usable = problem.eligible[0] & (problem.capacity > 0)
    if not usable.any():
        return None
    scores = np.where(usable, problem.affinity[0], -1.0)
    return built.reviewers[int(scores.argmax())]


def invite_replacement(actor: User, assignment: ReviewAssignment, now: datetime) -> ReviewAssignment:
    require_routing(actor, assignment.call)
    require_unconflicted(actor, assignment.application)
    if assignment.state != AssignmentState.DECLINED or assignment.suggested_reviewer is None:
        raise NotFound(_("There is no suggested replacement for this invitation."))
    affinity, explanation = pair_fit(assignment.application, assignment.suggested_reviewer_id, now)
    return invite(
        actor,
        assignment.application,
        assignment.suggested_reviewer,
        now,
        affinity=affinity,
        explanation=explanation,
    )


def cancel_assignment(actor: User, assignment: ReviewAssignment, reason: str, now: datetime) -> None:
    require_routing(actor, assignment.call)
    require_unconflicted(actor, assignment.application)
    lock_and_reload(assignment)
    reason = clean_reason(reason, _("Give the reason for taking the reviewer off."))
    check_assignment_transition(assignment.state, AssignmentState.CANCELLED)
    if assignment.has_submitted_review:
        raise Conflict(_("This reviewer has submitted their review; it stays on record."))
    _cancel(actor, assignment, reason, now)


def _cancel(actor: User, assignment: ReviewAssignment, reason: str, now: datetime) -> None:
    assignment.state = AssignmentState.CANCELLED
    assignment.cancel_reason = reason
    assignment.responded_at = assignment.responded_at or now
    email_reviewer(
        assignment,
        "review_cancelled",
        f"review-cancelled-{assignment.id}",
        reason=reason,
        link=external_url("reviews.mine"),
    )
    record(actor, "assignment.cancelled", assignment, {"reason": reason})


def close_unfinished_assignments(actor: User, application: Application, now: datetime) -> int:
    """Once a decision is released, reviews still owed on the application are no longer needed:
    their reviewers are told and the invitations close. Submitted reviews stay on record."""
    unfinished = [
        a
        for a in application.review_assignments
        if a.state in ACTIVE_ASSIGNMENT_STATES and not a.has_submitted_review
    ]
    for assignment in unfinished:
        _cancel(
            actor,
            assignment,
            PANEL_DECIDED,
            now,
        )
    return len(unfinished)
