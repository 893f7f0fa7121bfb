"""Rules every change to an application goes through: may this person edit it now, and has
anyone else saved since they loaded it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import ApplicationState
from grants.database import lock_and_reload
from grants.errors import Conflict, PermissionDenied
from grants.extensions import db
from grants.i18n import reader_moment
from grants.notifications.services import queue_email
from grants.security.predicates import can_lead_application, team_membership
from grants.timeutil import DEFAULT_ZONE


def lock_application(application: Application) -> Application:
    """Take the application's row lock and reload it: a save that started before a submission
    committed must not land after it. Every change to an application and its parts goes through
    here first."""
    return lock_and_reload(application)


def require_editable(actor: User, application: Application, now: datetime) -> None:
    """Team members change drafts while the call accepts submissions (reopened ones after, too)."""
    lock_application(application)
    if team_membership(actor, application) is None:
        raise PermissionDenied(_("Only members of this application's team can change it."))
    require_open_draft(application, now)


def require_open_draft(application: Application, now: datetime) -> None:
    """A draft whose call still accepts submissions, or one reopened for correction."""
    if application.state != ApplicationState.DRAFT:
        raise Conflict(
            _(
                "This application is %(state)s and can no longer be changed.",
                state=application.state_label.lower(),
            )
        )
    if application.submission_count == 0 and not application.call.accepts_submissions(now):
        raise Conflict(
            _(
                "The call closed on %(when)s; drafts can no longer be changed.",
                when=closing_time_text(application),
            )
        )


def require_lead(actor: User, application: Application, refusal: str) -> None:
    """Refuse with ``refusal`` ("Only the lead applicant can ...") unless ``actor`` leads the application."""
    if not can_lead_application(actor, application):
        raise PermissionDenied(refusal)


def closing_time_text(application: Application) -> str:
    """When the call closes, in its own zone: "05 December 2026 at 17:00 GMT" in English."""
    return reader_moment(application.call.closes_at, application.call.time_zone)


EDITABLE_PARTS = {"details": "details_version", "answers": "answers_version"}


def claim_content_edit(
    actor: User, application: Application, expected_version: int | None, now: datetime, *, part: str
) -> None:
    """Take the next version of ``part`` ("details" or "answers"), or refuse because someone saved
    it since ``expected_version``.

    A compare-and-set in SQL: two members saving at once both send the same version and exactly
    one UPDATE matches; the other is told who got there first instead of overwriting their words.
    """
    column = getattr(Application, EDITABLE_PARTS[part])
    result = db.session.execute(
        update(Application)
        .where(
            Application.id == application.id,
            Application.state == ApplicationState.DRAFT,
            column == expected_version,
        )
        .values(
            {
                column: column + 1,
                Application.content_updated_at: now,
                Application.content_updated_by_id: actor.id,
            }
        )
        .returning(column, Application.content_updated_at, Application.content_updated_by_id)
        .execution_options(synchronize_session=False)
    )
    claimed = result.one_or_none()
    if claimed is None:
        db.session.refresh(application)
        raise Conflict(stale_edit_message(actor, application))
    for key, value in zip((column.key, "content_updated_at", "content_updated_by_id"), claimed, strict=True):
        set_committed_value(application, key, value)
    db.session.expire(application, ["content_updated_by"])  # follows the id just set


def stale_edit_message(actor: User, application: Application) -> str:
    editor = application.content_updated_by
    zone = ZoneInfo(getattr(actor, "time_zone", None) or DEFAULT_ZONE)
    when = application.content_updated_at.astimezone(zone).strftime("%H:%M")
    if editor is not None and editor.id == actor.id:
        return _(
            "You (in another tab or window) changed this application at %(time)s, after you opened it. "
            "Your changes were not saved: copy anything you need, then reload the page to see the "
            "latest version.",
            time=when,
        )
    if editor is not None:
        return _(
            "%(name)s changed this application at %(time)s, after you opened it. Your changes were not "
            "saved: copy anything you need, then reload the page to see the latest version.",
            name=editor.full_name,
            time=when,
        )
    return _(
        "Someone else changed this application at %(time)s, after you opened it. Your changes were not "
        "saved: copy anything you need, then reload the page to see the latest version.",
        time=when,
    )


def notify_team(
    application: Application,
    template: str,
    key: str,
    context: dict[str, Any],
    *,
    only: Callable[[Any], bool] | None = None,
) -> None:
    """One email per joined team member (or per member ``only`` accepts), each with its own
    idempotency key."""
    for member in application.members:
        if member.user is None or member.accepted_at is None or (only is not None and not only(member)):
            continue
        queue_email(
            template=template,
            key=f"{key}:{member.user_id}",
            recipient_email=member.user.email,
            recipient=member.user,
            context={**context, "name": member.user.full_name},
        )
