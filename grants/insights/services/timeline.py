"""Submissions per day before a call's deadline, to show the last-day rush.

Days are counted back from the deadline itself ("the last 24 hours", "1 to 2 days before"), so the
buckets mean the same in every time zone and the database only compares timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, func, select

from grants.applications.models import Application
from grants.calls.models import Call
from grants.extensions import db
from grants.insights.services.applications import RECEIVED_STATES

DAYS_SHOWN = 14
EARLIER = DAYS_SHOWN  # the bucket for everything before the days shown


@dataclass(frozen=True)
class DayBucket:
    # 0 is the last 24 hours before the deadline, 1 the day before that, ...; EARLIER is the rest.
    days_before: int
    submissions: int

    @property
    def label(self) -> str:
        if self.days_before == EARLIER:
            return f"Earlier than {DAYS_SHOWN} days"
        if self.days_before == 0:
            return "Last 24 hours"
        if self.days_before == 1:
            return "1 to 2 days before"
        return f"{self.days_before} to {self.days_before + 1} days before"

    @property
    def short_label(self) -> str:
        """For the axis under a column: "older", then "14d" … "1d" (days left before the deadline)."""
        return "older" if self.days_before == EARLIER else f"{self.days_before + 1}d"


@dataclass(frozen=True)
class SubmissionTimeline:
    buckets: list[DayBucket]

    @property
    def total(self) -> int:
        return sum(bucket.submissions for bucket in self.buckets)

    @property
    def last_day(self) -> int:
        return self.buckets[-1].submissions if self.buckets else 0


def submission_timeline(call: Call) -> SubmissionTimeline:
    """Received applications by when they were (last) submitted, oldest bucket first."""
    bucket = case(
        *((Application.submitted_at >= call.closes_at - timedelta(days=d + 1), d) for d in range(DAYS_SHOWN)),
        else_=EARLIER,
    )
    counts = dict(
        db.session.execute(
            select(bucket, func.count())
            .where(
                Application.call_id == call.id,
                Application.state.in_(RECEIVED_STATES),
                Application.submitted_at.is_not(None),
            )
            .group_by(bucket)
        ).all()
    )
    order = [EARLIER, *range(DAYS_SHOWN - 1, -1, -1)]
    return SubmissionTimeline([DayBucket(d, int(counts.get(d, 0))) for d in order])
