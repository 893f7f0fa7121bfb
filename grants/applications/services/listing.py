"""Lists of applications: a researcher's own, and a call's for its officers."""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload

from grants.accounts.models import User
from grants.applications.models import Application, Attachment, TeamMember
from grants.applications.states import ApplicationState
from grants.calls.models import Call
from grants.extensions import db
from grants.paging import page_within


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


def call_applications(
    call: Call, *, include_drafts: bool = False, page: int = 1, per_page: int = 50
) -> Pagination:
    """A page of a call's applications for its officers, by reference, each with its lead
    applicant (loaded with the page, not one query per row). A page past the last reads as the
    last."""
    query = (
        select(Application)
        .where(Application.call_id == call.id)
        .options(
            joinedload(Application.lead_applicant).lazyload(User.role_rows),
            # Every row's call is ``call``, already loaded: joining it in again reloads its lists.
            lazyload(Application.call),
        )
    )
    if include_drafts:
        query = query.order_by(Application.reference.is_(None), Application.reference, Application.id)
    else:
        # References are unique: their index gives the page without sorting the whole call.
        query = query.where(Application.reference.is_not(None)).order_by(Application.reference)
    return page_within(query, page, per_page)


def find_application(application_id: int) -> Application | None:
    return db.session.get(Application, application_id)


def find_attachment(attachment_id: int) -> Attachment | None:
    return db.session.get(Attachment, attachment_id)
