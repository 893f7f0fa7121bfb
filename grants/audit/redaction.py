"""The audit log shows a viewer no more than the other pages do.

Two rules the pages keep would leak through a list of everything that happened:

- **Who reviews what** is known only to officers who are not reviewing in that call themselves
  (``can_see_reviewer_identities``); administrators never see it. Events that would tell, such as
  an invitation accepted by its reviewer or a conflict a reviewer declared, are left out of the
  log for everyone else. They are left out in the query, not blanked on the page, so that
  filtering by a reviewer's name cannot reveal them either.
- **Conflicts of interest**: staff do not see applications they are conflicted with. An event
  about such an application keeps its place in the log but not its actor or its changes
  (working that out needs conflict detection, so it is done for the page shown, not in SQL).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, and_, or_, select

from grants.accounts.models import User
from grants.accounts.roles import Role
from grants.applications.models import Application
from grants.audit.models import AuditEvent
from grants.awards.models import Award
from grants.extensions import db
from grants.reviews.models import ReviewAssignment
from grants.reviews.states import ACTIVE_ASSIGNMENT_STATES
from grants.security.visibility import hidden_for

# Events about a call that name a reviewer in their changes.
CALL_ACTIONS_NAMING_REVIEWERS = ("assignment.pair_added", "assignment.pair_removed")


def reviewer_events_visible(viewer: User) -> ColumnElement[bool]:
    """A condition on ``AuditEvent``: true for every event except those that would show who
    reviews in a call whose reviewers ``viewer`` may not know."""
    if not viewer.has_role(Role.OFFICER):
        return ~_names_reviewers(None)
    own_calls = select(ReviewAssignment.call_id).where(
        ReviewAssignment.reviewer_id == viewer.id, ReviewAssignment.state.in_(ACTIVE_ASSIGNMENT_STATES)
    )
    return ~_names_reviewers(own_calls)


def _names_reviewers(calls: Select | None) -> ColumnElement[bool]:
    """Events that name a reviewer in one of ``calls`` (a select of call ids), or in any call."""
    on_assignment = AuditEvent.subject_type == "ReviewAssignment"
    on_call = and_(AuditEvent.subject_type == "Call", AuditEvent.action.in_(CALL_ACTIONS_NAMING_REVIEWERS))
    on_application = and_(AuditEvent.subject_type == "Application", AuditEvent.action.startswith("conflict."))
    if calls is None:
        return or_(on_assignment, on_call, on_application)
    call_ids = calls.scalar_subquery()
    assignments = select(ReviewAssignment.id).where(ReviewAssignment.call_id.in_(call_ids))
    applications = select(Application.id).where(Application.call_id.in_(call_ids))
    return or_(
        and_(on_assignment, AuditEvent.subject_id.in_(assignments.scalar_subquery())),
        and_(on_call, AuditEvent.subject_id.in_(call_ids)),
        and_(on_application, AuditEvent.subject_id.in_(applications.scalar_subquery())),
    )


def conflicted_events(events: Iterable[AuditEvent], viewer: User) -> set[int]:
    """The ids of ``events`` about an application ``viewer`` has a conflict with (directly, or
    through its award), in a fixed number of queries."""
    events = list(events)
    application_of: dict[int, int] = {}
    award_ids = {e.subject_id for e in events if e.subject_type == "Award" and e.subject_id}
    awards = dict(
        db.session.execute(select(Award.id, Award.application_id).where(Award.id.in_(award_ids))).all()
        if award_ids
        else []
    )
    for event in events:
        if event.subject_type == "Application" and event.subject_id:
            application_of[event.id] = event.subject_id
        elif event.subject_type == "Award" and event.subject_id in awards:
            application_of[event.id] = awards[event.subject_id]
    if not application_of:
        return set()
    ids = set(application_of.values())
    states = dict(
        db.session.execute(select(Application.id, Application.state).where(Application.id.in_(ids))).all()
    )
    hidden = hidden_for(viewer, select(Application.id).where(Application.id.in_(ids)))
    return {
        event_id
        for event_id, app_id in application_of.items()
        if app_id in states and hidden.hides_application(app_id, states[app_id])
    }
