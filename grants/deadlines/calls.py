"""Calls on the clock: opening and closing at their times, reminding teams with drafts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from grants.applications.models import Application, TeamMember
from grants.applications.states import ApplicationState
from grants.audit.services import record
from grants.calls.models import Call
from grants.calls.services.lifecycle import close_calls_past_deadline
from grants.calls.states import CallState
from grants.deadlines.milestones import CALL_CLOSING, due_milestone, earliest_start
from grants.deadlines.outbox import Reminder, joined_people, reminder_key
from grants.extensions import db
from grants.links import external_url


def open_calls_at_their_time(now: datetime) -> list[int]:
    """Published calls whose opening time has come start taking applications; the moment is
    recorded once (two ticks at once skip each other's locked rows)."""
    due = db.session.scalars(
        select(Call)
        .where(Call.state == CallState.OPEN, Call.opened_at.is_(None), Call.opens_at <= now)
        .with_for_update(of=Call, skip_locked=True)
    ).all()
    for call in due:
        call.opened_at = call.opens_at
        record(None, "call.opened_for_submissions", call)
    return [call.id for call in due]


def close_calls_at_their_time(now: datetime) -> list[int]:
    return close_calls_past_deadline(now)


def call_closing_reminders(now: datetime) -> list[Reminder]:
    """Each joined member of each unsubmitted draft, at 7 days, 1 day and 2 hours before close."""
    drafts = db.session.scalars(
        select(Application)
        .join(Application.call)
        .where(
            Call.state == CallState.OPEN,
            Call.closes_at > now,
            Call.closes_at <= now + earliest_start(CALL_CLOSING),
            Application.state == ApplicationState.DRAFT,
        )
        .options(
            contains_eager(Application.call),
            selectinload(Application.members).joinedload(TeamMember.user),
        )
    ).unique()
    reminders = []
    for application in drafts:
        call = application.call
        milestone = due_milestone(call.closes_at, now, CALL_CLOSING)
        if milestone is None:
            continue
        context = {
            "reference": application.reference,
            "title": application.title,
            "call": call.title,
            "closes_at": call.closes_at.isoformat(),
            "link": external_url("applications.overview", application_id=application.id),
        }
        for person in joined_people(application):
            key = reminder_key("call_closing", milestone.name, call.closes_at, application.id, person.id)
            reminders.append(Reminder("call_closing_reminder", key, person, context, call.closes_at))
    return reminders
