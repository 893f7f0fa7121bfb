"""Submissions per day before a call's deadline, to show the last-day rush.

Days are counted back from the deadline itself ("the last 24 hours", "1 to 2 days before"), so the
buckets mean the same in every time zone and the database only compares timestamps. Day ``d`` is
the 24 hours ending exactly ``d`` days before the deadline: a submission exactly 24 hours before
the close is "1 to 2 days before", not "the last 24 hours".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, func, select

from grants.applications.models import Application
from grants.calls.models import Call
from grants.extensions import db
from grants.insights.services.applications import RECEIVED_STATES

DAYS_SHOWN = 14
EARLIER = DAYS_SHOWN  # the bucket for everything before the days shown
# Resubmissions of applications an officer reopened after the close.
AFTER = -1


@dataclass(frozen=True)
class DayBucket:
    # 0 is the last 24 hours before the deadline, 1 the day before that, ...; EARLIER is the rest.
    days_before: int
    submissions: int

    @property
    def label(self) -> str:
        if self.days_before == AFTER:
            return _("After the deadline (reopened and resubmitted)")
        if self.days_before == EARLIER:
            return ngettext("Earlier than %(num)d day", "Earlier than %(num)d days", DAYS_SHOWN)
        if self.days_before == 0:
            return _("Last 24 hours")
        return _("%(start)d to %(end)d days before", start=self.days_before, end=self.days_before + 1)

    @property
    def short_label(self) -> str:
        """For the axis under a column: "older", "14d" … "1d" (days left before the deadline)."""
        if self.days_before == AFTER:
            return _("after")
        if self.days_before == EARLIER:
            return _("older")
        # Translators: under a narrow chart column, days left before the deadline ("3d").
        return _("%(days)dd", days=self.days_before + 1)


@dataclass(frozen=True)
class SubmissionTimeline:
    buckets: list[DayBucket]

    @property
    def total(self) -> int:
        return sum(bucket.submissions for bucket in self.buckets)

    @property
    def last_day(self) -> int:
        return next((b.submissions for b in self.buckets if b.days_before == 0), 0)


def submission_timeline(call: Call) -> SubmissionTimeline:
    """Received applications by when they were (last) submitted, oldest bucket first. The bucket
    for resubmissions after the deadline appears only when there are any."""
    submitted = Application.submitted_at
    bucket = case(
        (submitted >= call.closes_at, AFTER),
        *((submitted > call.closes_at - timedelta(days=d + 1), d) for d in range(DAYS_SHOWN)),
        else_=EARLIER,
    )
    counts = dict(
        db.session.execute(
            select(bucket, func.count())
            .where(
                Application.call_id == call.id,
                Application.state.in_(RECEIVED_STATES),
                submitted.is_not(None),
            )
            .group_by(bucket)
        ).all()
    )
    order = [EARLIER, *range(DAYS_SHOWN - 1, -1, -1)] + ([AFTER] if counts.get(AFTER) else [])
    return SubmissionTimeline([DayBucket(d, int(counts.get(d, 0))) for d in order])
