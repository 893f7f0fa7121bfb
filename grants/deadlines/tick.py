"""The minute tick: the only thing the beat schedules for deadlines.

Beat fires it every minute and knows no deadlines; the tick reads them from the database. It is
safe to run late, twice, or from two beats at once: calls move under row locks that skip each
other, and every reminder has a unique key (see ``outbox``). Nothing goes into the broker with an
ETA: a reminder is written to the outbox when its time has come, and the outbox hands it over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from grants.deadlines.awards import acceptance_reminders, report_reminders
from grants.deadlines.calls import call_closing_reminders, close_calls_at_their_time, open_calls_at_their_time
from grants.deadlines.digest import officer_digests
from grants.deadlines.outbox import send_once
from grants.deadlines.reviews import review_reminders
from grants.extensions import db

log = logging.getLogger("grants.tick")
T = TypeVar("T")

REMINDERS = (
    call_closing_reminders,
    review_reminders,
    acceptance_reminders,
    report_reminders,
    officer_digests,
)


@dataclass
class TickReport:
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    reminders: int = 0
    failed: list[str] = field(default_factory=list)


def run_tick(now: datetime) -> TickReport:
    """Each part runs in its own savepoint: one that fails (bad data, a zone the server lacks) is
    logged and rolled back alone, and the others still happen this minute."""
    report = TickReport()
    report.opened = _part(report, "open calls", lambda: open_calls_at_their_time(now), [])
    report.closed = _part(report, "close calls", lambda: close_calls_at_their_time(now), [])
    for reminders in REMINDERS:
        report.reminders += _part(report, reminders.__name__, lambda r=reminders: send_once(r(now)), 0)
    return report


def _part(report: TickReport, name: str, work: Callable[[], T], nothing: T) -> T:
    try:
        with db.session.begin_nested():
            return work()
    except Exception:
        log.exception("the tick's %s failed; the rest of the tick goes on", name)
        report.failed.append(name)
        return nothing
