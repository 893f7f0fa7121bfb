"""Awards on the clock: offers waiting for acceptance, reports coming due or late."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from grants.applications.models import Application, TeamMember
from grants.awards.models import Award, Report
from grants.awards.services.offers import lead_members
from grants.awards.states import LATE_REPORT_STATES, AwardState
from grants.deadlines.milestones import (
    OFFER_EXPIRING,
    OVERDUE_WINDOW,
    REPORT_DUE,
    chase_due,
    due_milestone,
    earliest_start,
    stale_after,
)
from grants.deadlines.outbox import Reminder, joined_people, reminder_key
from grants.extensions import db
from grants.links import external_url

# Reports are owed while the award runs, and a terminated award still owes its final report.
REPORTING_AWARD_STATES = (AwardState.ACTIVE, AwardState.TERMINATED)


def acceptance_reminders(now: datetime) -> list[Reminder]:
    """Lead investigators who have not accepted an offer that lapses within the week."""
    awards = db.session.scalars(
        select(Award)
        .where(
            Award.state == AwardState.OFFERED,
            Award.offer_expires_at > now,
            Award.offer_expires_at <= now + earliest_start(OFFER_EXPIRING),
        )
        .options(
            selectinload(Award.acceptances),
            joinedload(Award.application).selectinload(Application.members).joinedload(TeamMember.user),
        )
    ).unique()
    reminders = []
    for award in awards:
        milestone = due_milestone(award.offer_expires_at, now, OFFER_EXPIRING)
        if milestone is None:
            continue
        accepted = {acceptance.user_id for acceptance in award.acceptances}
        context = {
            "reference": award.reference,
            "title": award.application.title,
            "expires_at": award.offer_expires_at.isoformat(),
            "link": external_url("awards.show", award_id=award.id),
        }
        for lead in lead_members(award.application):
            if lead.user_id in accepted:
                continue
            key = reminder_key("offer", milestone.name, award.offer_expires_at, award.id, lead.user_id)
            reminders.append(Reminder("acceptance_reminder", key, lead.user, context, award.offer_expires_at))
    return reminders


def report_deadline(report: Report) -> datetime:
    """A report is due by the end of its due day in the call's time zone."""
    zone = report.award.call.zone
    return datetime.combine(report.due_date + timedelta(days=1), time(0), tzinfo=zone)


def report_reminders(now: datetime) -> list[Reminder]:
    """The team of each report still owed: 14 and 2 days before it is due, once when it is late."""
    today = now.date()
    reports = db.session.scalars(
        select(Report)
        .join(Report.award)
        .where(
            Award.state.in_(REPORTING_AWARD_STATES),
            Report.state.in_(LATE_REPORT_STATES),
            Report.due_date >= today - OVERDUE_WINDOW - timedelta(days=1),
            Report.due_date <= today + earliest_start(REPORT_DUE) + timedelta(days=1),
        )
        .options(
            joinedload(Report.award)
            .joinedload(Award.application)
            .selectinload(Application.members)
            .joinedload(TeamMember.user)
        )
    ).unique()
    reminders = []
    for report in reports:
        deadline = report_deadline(report)
        name = chase_due(deadline, now, REPORT_DUE)
        if name is not None:
            template = "report_overdue" if name == "overdue" else "report_due_reminder"
            reminders.extend(_to_team(report, template, name, deadline))
    return reminders


def _to_team(report: Report, template: str, milestone: str, deadline: datetime) -> list[Reminder]:
    award = report.award
    context = {
        "reference": award.reference,
        "report_kind": report.kind,
        "report_number": report.sequence,
        "due_on": report.due_date.isoformat(),
        # The last minute of the due day in the call's zone, shown in the reader's zone.
        "due_by": (deadline - timedelta(minutes=1)).isoformat(),
        "link": external_url("awards.report", report_id=report.id),
    }
    return [
        Reminder(
            template,
            reminder_key("report", milestone, deadline, report.id, person.id),
            person,
            context,
            stale_after(deadline, milestone),
        )
        for person in joined_people(award.application)
    ]


def _late(today: date):
    return (
        select(Report)
        .join(Report.award)
        .where(
            Award.state.in_(REPORTING_AWARD_STATES),
            Report.state.in_(LATE_REPORT_STATES),
            Report.due_date < today,
        )
    )


def late_reports(today: date, limit: int = 50) -> list[Report]:
    """The oldest reports past their due day (by UTC date: a day's grace either way is fine for
    a digest); ``count_late_reports`` gives how many there are in all."""
    query = _late(today).order_by(Report.due_date, Report.id).limit(limit).options(joinedload(Report.award))
    return list(db.session.scalars(query).unique())


def count_late_reports(today: date) -> int:
    return db.session.scalar(select(func.count()).select_from(_late(today).subquery()))
