"""Conflicts of interest: found automatically, declared by a reviewer, or set by an officer.

The policy module refuses a conflicted reviewer everywhere (``has_conflict``); these services
record conflicts with their reasons, and take a conflicted reviewer off any review they hold.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from grants.accounts.models import User
from grants.accounts.roles import Role
from grants.applications.models import Application
from grants.audit.services import record
from grants.calls.models import Call
from grants.errors import Conflict, NotFound, ValidationError
from grants.extensions import db
from grants.reviews.detection import detect_conflicts
from grants.reviews.models import DECLARED_CONFLICT, RECORDED_CONFLICT, ConflictOfInterest, ReviewAssignment
from grants.reviews.people import reviewer_person, team_people
from grants.reviews.services.pool import (
    REVIEWABLE_STATES,
    require_routing,
    require_unconflicted,
    reviewable_applications,
    reviewer_pool,
)
from grants.reviews.services.reasons import clean_reason
from grants.reviews.states import (
    ACTIVE_ASSIGNMENT_STATES,
    AssignmentState,
    ConflictSource,
    check_assignment_transition,
)


def refresh_detected_conflicts(
    call: Call, applications: list[Application] | None = None, reviewers: list[User] | None = None
) -> int:
    """Store what detection finds now for the call's applications, replacing earlier findings."""
    applications = applications if applications is not None else reviewable_applications(call)
    reviewers = reviewers if reviewers is not None else reviewer_pool(call)
    if not applications:
        return 0
    app_ids = [a.id for a in applications]
    db.session.execute(
        delete(ConflictOfInterest).where(
            ConflictOfInterest.application_id.in_(app_ids),
            ConflictOfInterest.source == ConflictSource.DETECTED,
        )
    )
    found = detect_conflicts([team_people(a) for a in applications], [reviewer_person(r) for r in reviewers])
    db.session.add_all(
        ConflictOfInterest(
            application_id=applications[c.application].id,
            reviewer_id=reviewers[c.reviewer].id,
            source=ConflictSource.DETECTED,
            reason=c.reason,
        )
        for c in found
    )
    db.session.flush()
    for application in applications:
        db.session.expire(application, ["conflicts"])
    return len(found)


def stored_conflicts(call: Call) -> dict[tuple[int, int], list[ConflictOfInterest]]:
    """Every recorded conflict on the call's applications, by (application id, reviewer id)."""
    rows = db.session.scalars(
        select(ConflictOfInterest)
        .join(Application, Application.id == ConflictOfInterest.application_id)
        .where(Application.call_id == call.id)
        .order_by(ConflictOfInterest.id)
    )
    pairs: dict[tuple[int, int], list[ConflictOfInterest]] = defaultdict(list)
    for row in rows:
        pairs[(row.application_id, row.reviewer_id)].append(row)
    return pairs


def declare_conflict(
    actor: User, assignment: ReviewAssignment, reason: str, now: datetime
) -> ConflictOfInterest:
    """The reviewer says they know the applicants; they leave the review at once."""
    if assignment.reviewer_id != actor.id:
        raise NotFound(_("That invitation is not yours."))
    conflict = _add(
        actor,
        assignment.application,
        actor,
        ConflictSource.DECLARED,
        clean_reason(reason, _("Say briefly how you know the applicants.")),
    )
    _cancel_active(actor, assignment.application, actor, DECLARED_CONFLICT, now)
    return conflict


def set_officer_conflict(
    actor: User, application: Application, reviewer: User, reason: str, now: datetime
) -> ConflictOfInterest:
    require_routing(actor, application.call)
    require_unconflicted(actor, application)
    if application.state not in REVIEWABLE_STATES:
        raise Conflict(_("%(reference)s is not in review.", reference=application.display_reference))
    if not reviewer.has_role(Role.REVIEWER):
        raise ValidationError(_("%(name)s is not a reviewer.", name=reviewer.full_name), field="reviewer_id")
    conflict = _add(
        actor,
        application,
        reviewer,
        ConflictSource.OFFICER,
        clean_reason(reason, _("Give the reason for the conflict.")),
    )
    _cancel_active(actor, application, reviewer, RECORDED_CONFLICT, now)
    return conflict


def remove_officer_conflict(actor: User, conflict: ConflictOfInterest) -> None:
    require_routing(actor, conflict.application.call)
    require_unconflicted(actor, conflict.application)
    if conflict.source != ConflictSource.OFFICER:
        raise Conflict(
            _("Only conflicts set by an officer can be removed; the others follow from the facts.")
        )
    record(
        actor,
        "conflict.removed",
        conflict.application,
        {"reviewer_id": conflict.reviewer_id, "reason": conflict.reason},
    )
    db.session.delete(conflict)
    db.session.flush()


def _add(
    actor: User, application: Application, reviewer: User, source: ConflictSource, reason: str
) -> ConflictOfInterest:
    existing = db.session.scalar(
        select(ConflictOfInterest).where(
            ConflictOfInterest.application_id == application.id,
            ConflictOfInterest.reviewer_id == reviewer.id,
            ConflictOfInterest.source == source,
        )
    )
    if existing is not None:
        existing.reason = reason
        conflict = existing
    else:
        conflict = ConflictOfInterest(
            application_id=application.id,
            reviewer_id=reviewer.id,
            source=source,
            reason=reason,
            created_by_id=actor.id,
        )
        db.session.add(conflict)
    db.session.flush()
    db.session.expire(application, ["conflicts"])
    record(actor, f"conflict.{source.value}", application, {"reviewer_id": reviewer.id, "reason": reason})
    return conflict


def _cancel_active(actor: User, application: Application, reviewer: User, why: str, now: datetime) -> None:
    assignment = db.session.scalar(
        select(ReviewAssignment).where(
            ReviewAssignment.application_id == application.id,
            ReviewAssignment.reviewer_id == reviewer.id,
            ReviewAssignment.state.in_(ACTIVE_ASSIGNMENT_STATES),
        )
    )
    if assignment is not None:
        check_assignment_transition(assignment.state, AssignmentState.CANCELLED)
        assignment.state = AssignmentState.CANCELLED
        assignment.cancel_reason = why
        assignment.responded_at = assignment.responded_at or now
        record(actor, "assignment.cancelled", assignment, {"reason": why})
