"""Reviewers in exports: stable pseudonyms by default, names only for officers allowed to see
them, and an audit event each time names leave the system."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import Institution, User
from grants.audit.services import record
from grants.calls.models import Call
from grants.errors import PermissionDenied
from grants.extensions import db
from grants.reviews.models import ReviewAssignment
from grants.security.predicates import can_see_reviewer_identities

IDENTITIES_ACTION = "export.reviewer_identities"


def reviewer_numbers(call_id: int) -> dict[int, int]:
    """Reviewer user id -> N for "Reviewer N": every reviewer ever invited in the call, numbered by
    ascending user id, so that two exports of the call (by any officer) agree."""
    ids = db.session.scalars(
        select(ReviewAssignment.reviewer_id)
        .where(ReviewAssignment.call_id == call_id)
        .distinct()
        .order_by(ReviewAssignment.reviewer_id)
    )
    return {reviewer_id: number for number, reviewer_id in enumerate(ids, start=1)}


def pseudonym(number: int) -> str:
    return f"Reviewer {number}"


@dataclass(frozen=True)
class ReviewerIdentity:
    name: str
    email: str
    institution: str | None


def reviewer_identities(call_id: int) -> dict[int, ReviewerIdentity]:
    """Name, email and institution of everyone invited to review in the call, by user id."""
    rows = db.session.execute(
        select(User.id, User.full_name, User.email, Institution.name)
        .outerjoin(Institution, Institution.id == User.institution_id)
        .where(User.id.in_(select(ReviewAssignment.reviewer_id).where(ReviewAssignment.call_id == call_id)))
    )
    return {user_id: ReviewerIdentity(name, email, institution) for user_id, name, email, institution in rows}


def may_identify_reviewers(user: User, call: Call) -> bool:
    """``can_see_reviewer_identities`` with the user's own assignments in the call looked up."""
    if not getattr(user, "is_authenticated", False):
        return False
    own = db.session.execute(
        select(ReviewAssignment.call_id, ReviewAssignment.reviewer_id, ReviewAssignment.state).where(
            ReviewAssignment.call_id == call.id, ReviewAssignment.reviewer_id == user.id
        )
    ).all()
    return can_see_reviewer_identities(user, call, own)


def record_identities_export(officer: User, call: Call) -> None:
    """Allow an export naming the call's reviewers, and audit it; refused to an officer who is
    invited to review in the call. Only flushes: the request commits before the file is sent."""
    if not may_identify_reviewers(officer, call):
        raise PermissionDenied(
            _(
                "You are a reviewer in this call, so reviewers' names are not shown to you. "
                "The export without names is still available."
            )
        )
    record(officer, IDENTITIES_ACTION, call)
    db.session.flush()
