"""Moving a call through draft -> open -> closed -> reviewing -> decided.

Each move is its own verb, checked against the transition table and recorded in the audit log.
Closing also happens by time (the minute tick calls ``close_calls_past_deadline``), but no write relies
on that: submissions check ``Call.accepts_submissions(now)`` themselves.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import ApplicationState, check_application_transition
from grants.audit.services import record
from grants.calls.models import Call
from grants.calls.services.guards import require_officer
from grants.calls.states import CallState, check_call_transition
from grants.errors import Conflict
from grants.extensions import db


def opening_problems(call: Call, now: datetime) -> list[str]:
    """What stops a draft call from opening, in words an officer can act on."""
    problems = []
    if not call.funders:
        problems.append(_("Add at least one participating funder with its budget envelope."))
    if call.requires_lead_per_country and len(call.countries) < 2:
        problems.append(_("A call that needs a lead from each country needs funders from two countries."))
    if not call.criteria:
        problems.append(_("Add the scoring rubric: at least one criterion."))
    if call.closes_at <= now:
        problems.append(_("The closing time has passed; set a later one."))
    if not call.summary:
        problems.append(_("Write a summary for the public call page."))
    return problems


def open_call(actor: User, call: Call, now: datetime) -> Call:
    """Publish a draft call. Researchers can start applying from its opening time."""
    require_officer(actor)
    check_call_transition(call.state, CallState.OPEN)
    problems = opening_problems(call, now)
    if problems:
        raise Conflict(_("This call cannot open yet: %(problems)s", problems=" ".join(problems)))
    _move(actor, call, CallState.OPEN)
    # A call published ahead of its opening time is opened by the clock (the minute tick).
    call.opened_at = now if call.opens_at <= now else None
    return call


def close_call(actor: User | None, call: Call, now: datetime) -> Call:
    """Close for submissions: by an officer at any time, or by the clock (``actor`` None)."""
    if actor is not None:
        require_officer(actor)
    check_call_transition(call.state, CallState.CLOSED)
    _move(actor, call, CallState.CLOSED)
    call.closed_at = now
    return call


def close_calls_past_deadline(now: datetime) -> list[int]:
    """Close every open call whose closing time has passed; safe to run twice at once."""
    due = db.session.scalars(
        select(Call)
        .where(Call.state == CallState.OPEN, Call.closes_at <= now)
        .with_for_update(of=Call, skip_locked=True)
    ).all()
    for call in due:
        close_call(None, call, now)
    return [call.id for call in due]


def start_reviewing(actor: User, call: Call) -> Call:
    """Start review: the call and each of its submitted applications move to review, so teams
    see "Under review" and can no longer be reopened for correction."""
    require_officer(actor)
    check_call_transition(call.state, CallState.REVIEWING)
    _move(actor, call, CallState.REVIEWING)
    submitted = db.session.scalars(
        select(Application).where(
            Application.call_id == call.id, Application.state == ApplicationState.SUBMITTED
        )
    )
    for application in submitted:
        check_application_transition(application.state, ApplicationState.UNDER_REVIEW)
        application.state = ApplicationState.UNDER_REVIEW
        record(actor, "application.under_review", application, {"state": ["submitted", "under_review"]})
    return call


def mark_decided(actor: User, call: Call) -> Call:
    """Only by releasing the call's decisions (``grants.awards.services.decisions``)."""
    require_officer(actor)
    check_call_transition(call.state, CallState.DECIDED)
    _move(actor, call, CallState.DECIDED)
    return call


def _move(actor: User | None, call: Call, target: CallState) -> None:
    before = call.state
    call.state = target
    record(actor, f"call.{target.value}", call, {"state": [before, target.value]})
