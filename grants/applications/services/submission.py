"""Submitting, withdrawing and reopening: the application's transitions that its team and officers make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.services.answers import move_to_current_questions
from grants.applications.services.checklist import gaps
from grants.applications.services.common import closing_time_text, lock_application, notify_team, require_lead
from grants.applications.states import ApplicationState, check_application_transition
from grants.audit.services import record
from grants.calls.models import Call
from grants.errors import Conflict, PermissionDenied, ValidationError
from grants.extensions import db
from grants.links import external_url
from grants.security.predicates import can_reopen_application


@dataclass(frozen=True)
class SubmissionResult:
    application: Application
    newly_submitted: bool


def submit_application(actor: User, application_id: int, now: datetime) -> SubmissionResult:
    """Submit a complete draft: give it its reference, make it read-only, tell the whole team.

    The row is locked first, so a double click or a second tab finds it already submitted and gets
    the same result instead of a second submission. The closing time is checked here, against the
    clock, whatever the scheduler has or has not done.
    """
    application = db.session.get(Application, application_id)
    if application is None:
        raise ValidationError(_("That application does not exist."))
    lock_application(application)
    require_lead(actor, application, _("Only the lead applicant can submit the application."))
    if application.state == ApplicationState.SUBMITTED and application.submitted_at is not None:
        return SubmissionResult(application, newly_submitted=False)
    check_application_transition(application.state, ApplicationState.SUBMITTED)
    call = application.call
    if application.submission_count == 0 and not call.accepts_submissions(now):
        raise Conflict(
            _(
                "The call closed on %(when)s; it no longer accepts submissions.",
                when=closing_time_text(application),
            )
        )
    move_to_current_questions(application)  # the questions officers set now are the ones to answer
    missing = gaps(application, now)
    if missing:
        raise Conflict(
            _("This application is not complete yet: %(count)s item(s) to do.", count=len(missing))
        )
    if application.reference is None:
        application.reference = _next_reference(call)
    application.state = ApplicationState.SUBMITTED
    application.submitted_at = now
    application.submission_count += 1
    application.reopened_at = None
    record(
        actor,
        "application.submitted",
        application,
        {
            "state": [ApplicationState.DRAFT.value, ApplicationState.SUBMITTED.value],
            "reference": [None, application.reference],
        },
    )
    notify_team(
        application,
        "application_submitted",
        f"application_submitted:{application.id}:{application.submission_count}",
        {
            "reference": application.reference,
            "title": application.title,
            "call": call.title,
            "submitted_at": now.isoformat(),
            "link": external_url("applications.overview", application_id=application.id),
        },
    )
    return SubmissionResult(application, newly_submitted=True)


def _next_reference(call: Call) -> str:
    """The call's next number, taken under a lock on the call row so two submissions never share one."""
    locked = db.session.scalar(
        select(Call)
        .where(Call.id == call.id)
        .with_for_update(of=Call)
        .execution_options(populate_existing=True)
    )
    locked.last_application_number += 1
    return f"{locked.reference_prefix}-{locked.last_application_number:04d}"


def withdraw_application(actor: User, application: Application, reason: str, now: datetime) -> Application:
    """The lead applicant withdraws, at any point before a decision."""
    lock_application(application)
    require_lead(actor, application, _("Only the lead applicant can withdraw the application."))
    check_application_transition(application.state, ApplicationState.WITHDRAWN)
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise ValidationError(_("Keep the reason under 2,000 characters."), field="reason")
    before = application.state
    application.state = ApplicationState.WITHDRAWN
    application.withdrawn_at = now
    record(
        actor,
        "application.withdrawn",
        application,
        {"state": [before, ApplicationState.WITHDRAWN.value], "reason": [None, reason or None]},
    )
    notify_team(
        application,
        "application_withdrawn",
        f"application_withdrawn:{application.id}",
        {
            "reference": application.record_reference,
            "title": application.title,
            "by": actor.full_name,
            "reason": reason,
            "link": external_url("applications.overview", application_id=application.id),
        },
    )
    return application


def reopen_application(actor: User, application: Application, reason: str, now: datetime) -> Application:
    """An officer sends a submitted application back to its team for a correction, saying why.

    It keeps its reference and may be resubmitted after the call's closing time."""
    lock_application(application)
    if not can_reopen_application(actor, application):
        raise PermissionDenied(_("Only programme officers can reopen an application."))
    check_application_transition(application.state, ApplicationState.DRAFT)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tell the team what to correct."), field="reason")
    if len(reason) > 2000:
        raise ValidationError(_("Keep the reason under 2,000 characters."), field="reason")
    application.state = ApplicationState.DRAFT
    application.reopened_at = now
    application.reopen_reason = reason
    record(
        actor,
        "application.reopened",
        application,
        {"state": [ApplicationState.SUBMITTED.value, ApplicationState.DRAFT.value], "reason": [None, reason]},
    )
    notify_team(
        application,
        "application_reopened",
        f"application_reopened:{application.id}:{application.submission_count}",
        {
            "reference": application.reference,
            "title": application.title,
            "reason": reason,
            "link": external_url("applications.overview", application_id=application.id),
        },
    )
    return application
