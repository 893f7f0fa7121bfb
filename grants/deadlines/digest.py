"""The officers' daily digest: what is late, once a day from 08:00 in each officer's time zone,
and only on days when something is."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from grants.accounts.models import User, UserRole
from grants.accounts.roles import Role
from grants.calls.models import Call
from grants.deadlines.awards import count_late_reports, late_reports
from grants.deadlines.outbox import Reminder
from grants.deadlines.reviews import unfinished_assignments
from grants.extensions import db
from grants.links import external_url
from grants.notifications.models import OutboxMessage, OutboxState
from grants.reviews.models import ReviewAssignment
from grants.timeutil import DEFAULT_ZONE

DIGEST_HOUR = time(8, 0)


def late_review_counts(now: datetime) -> list[dict]:
    rows = db.session.execute(
        unfinished_assignments(now)
        .with_only_columns(Call.id, Call.title, func.count(ReviewAssignment.id))
        .group_by(Call.id, Call.title)
        .order_by(Call.title)
    )
    return [
        {"call": title, "count": count, "link": external_url("reviews.routing", call_id=call_id)}
        for call_id, title, count in rows
    ]


def digest_context(now: datetime) -> dict | None:
    """What every officer's digest says today; None when nothing is late."""
    reviews = late_review_counts(now)
    reports = [
        {
            "reference": report.award.reference,
            "report_kind": report.kind,
            "report_number": report.sequence,
            "due_on": report.due_date.isoformat(),
            "link": external_url("awards.report", report_id=report.id),
        }
        for report in late_reports(now.date())
    ]
    report_count = count_late_reports(now.date())
    failed = db.session.scalar(select(func.count()).where(OutboxMessage.state == OutboxState.FAILED))
    if not (reviews or report_count or failed):
        return None
    return {
        "late_reviews": reviews,
        "overdue_reports": reports,
        "overdue_report_count": report_count,
        "failed_emails": failed,
        "failed_link": external_url("outbox.failed"),
        "link": external_url("awards.portfolio"),
    }


def officer_digests(now: datetime) -> list[Reminder]:
    officers = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.OFFICER, User.is_active_account.is_(True), User.email_digests.is_(True))
    ).unique()
    waiting = []
    for officer in officers:
        local = now.astimezone(ZoneInfo(officer.time_zone or DEFAULT_ZONE))
        if local.time() >= DIGEST_HOUR:
            waiting.append((officer, local.date(), local.replace(hour=23, minute=59, second=59)))
    if not waiting:
        return []
    context = digest_context(now)
    if context is None:
        return []
    return [
        Reminder(
            "officer_digest",
            f"digest:{day.isoformat()}:{officer.id}",
            officer,
            {**context, "on": day.isoformat()},
            stale_after=end_of_day,  # yesterday's digest is not sent tomorrow
        )
        for officer, day, end_of_day in waiting
    ]
