"""Lists of applications: a researcher's own, and a call's for its officers."""

from __future__ import annotations

from sqlalchemy import func, select

from grants.accounts.models import User
from grants.applications.models import Application, Attachment, TeamMember
from grants.applications.states import ApplicationState
from grants.calls.models import Call
from grants.extensions import db


def my_applications(user: User) -> list[Application]:
    """Every application the user has joined the team of, most recently changed first."""
    joined = select(TeamMember.application_id).where(
        TeamMember.user_id == user.id, TeamMember.accepted_at.is_not(None)
    )
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.id.in_(joined))
            .order_by(Application.content_updated_at.desc(), Application.id.desc())
        )
    )


def count_drafts(call: Call) -> int:
    """Drafts in progress that were never submitted: a number for officers, not a list to read."""
    return db.session.scalar(
        select(func.count(Application.id)).where(
            Application.call_id == call.id,
            Application.reference.is_(None),
            Application.state == ApplicationState.DRAFT,
        )
    )


def call_applications(call: Call, *, include_drafts: bool = False, page: int = 1, per_page: int = 50):
    """A page of a call's applications for its officers, by reference."""
    query = select(Application).where(Application.call_id == call.id)
    if not include_drafts:
        query = query.where(Application.reference.is_not(None))
    query = query.order_by(Application.reference.is_(None), Application.reference, Application.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def find_application(application_id: int) -> Application | None:
    return db.session.get(Application, application_id)


def find_attachment(attachment_id: int) -> Attachment | None:
    return db.session.get(Attachment, attachment_id)
