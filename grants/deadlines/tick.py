"""The minute tick: the only thing the beat schedules for deadlines.

Beat fires it every minute and knows no deadlines; the tick reads them from the database. It is
safe to run late, twice, or from two beats at once: calls move under row locks that skip each
other, and every reminder has a unique key (see ``outbox``). Nothing goes into the broker with an
ETA: a reminder is written to the outbox when its time has come, and the outbox hands it over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from grants.deadlines.awards import acceptance_reminders, report_reminders
from grants.deadlines.calls import call_closing_reminders, close_calls_at_their_time, open_calls_at_their_time
from grants.deadlines.digest import officer_digests
from grants.deadlines.outbox import send_once
from grants.deadlines.reviews import review_reminders


@dataclass(frozen=True)
class TickReport:
    opened: list[int]
    closed: list[int]
    reminders: int


def run_tick(now: datetime) -> TickReport:
    opened = open_calls_at_their_time(now)
    closed = close_calls_at_their_time(now)
    written = send_once(
        call_closing_reminders(now)
        + review_reminders(now)
        + acceptance_reminders(now)
        + report_reminders(now)
        + officer_digests(now)
    )
    return TickReport(opened=opened, closed=closed, reminders=written)
