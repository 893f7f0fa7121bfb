"""When a reminder is due: pure arithmetic, no database.

A reminder belongs to a milestone before a deadline ("7 days before", "2 hours before"). The tick
asks which milestone the present falls in; only the latest one passed is due, and only while the
deadline is still ahead. So a tick that runs late, or after hours of downtime, catches up with the
one reminder that still makes sense and never sends "closes in 7 days" the day before, or after
the close.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Milestone:
    name: str
    before: timedelta


CALL_CLOSING = (
    Milestone("7d", timedelta(days=7)),
    Milestone("1d", timedelta(days=1)),
    Milestone("2h", timedelta(hours=2)),
)
REVIEW_DUE = (Milestone("7d", timedelta(days=7)), Milestone("1d", timedelta(days=1)))
OFFER_EXPIRING = (Milestone("7d", timedelta(days=7)), Milestone("1d", timedelta(days=1)))
REPORT_DUE = (Milestone("14d", timedelta(days=14)), Milestone("2d", timedelta(days=2)))

# How long after a deadline an "overdue" reminder still goes: catch-up after downtime, not
# a note about something long past when reminders first reach an old record.
OVERDUE_WINDOW = timedelta(days=7)


def due_milestone(deadline: datetime, now: datetime, milestones: tuple[Milestone, ...]) -> Milestone | None:
    """The milestone whose reminder is due at ``now``: the closest one to the deadline whose
    time has come, or None when none has or the deadline has passed."""
    if now >= deadline:
        return None
    passed = [m for m in milestones if deadline - m.before <= now]
    return min(passed, key=lambda m: m.before) if passed else None


def earliest_start(milestones: tuple[Milestone, ...]) -> timedelta:
    """How far ahead of a deadline the first reminder may go: what the tick looks ahead for."""
    return max(m.before for m in milestones)


def overdue_due(deadline: datetime, now: datetime) -> bool:
    return deadline <= now < deadline + OVERDUE_WINDOW


def stale_after(deadline: datetime, milestone: str) -> datetime:
    """A reminder before a deadline is pointless after it; an overdue one after its window."""
    return deadline + OVERDUE_WINDOW if milestone == "overdue" else deadline


def chase_due(deadline: datetime, now: datetime, milestones: tuple[Milestone, ...]) -> str | None:
    """For things that can be late (reviews, reports): the milestone due before the deadline, or
    "overdue" once, just after it; None when neither is due."""
    milestone = due_milestone(deadline, now, milestones)
    if milestone is not None:
        return milestone.name
    return "overdue" if overdue_due(deadline, now) else None
