"""Time from a call's close to its released decisions, per call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from grants.awards.models import Decision
from grants.awards.states import DecisionState
from grants.calls.models import Call
from grants.extensions import db
from grants.insights.services.scope import FigureScope


@dataclass(frozen=True)
class DecisionTiming:
    call_id: int
    decisions: int
    # Days from the close to the first and to the last release, and the median over decisions.
    first_days: int
    median_days: int
    last_days: int


def decision_timings(scope: FigureScope) -> list[DecisionTiming]:
    """Per call with released decisions, newest call first. Decisions go out in a few batches,
    so grouping by release time keeps the rows few whatever the number of applications."""
    rows = db.session.execute(
        select(Call.id, Call.closes_at, Decision.released_at, func.count())
        .join(Call, Call.id == Decision.call_id)
        .where(Decision.state == DecisionState.RELEASED, scope.on(Decision.call_id))
        .group_by(Call.id, Call.closes_at, Decision.released_at)
        .order_by(Call.closes_at.desc(), Call.id, Decision.released_at)
    ).all()
    per_call: dict[int, list[tuple[int, int]]] = {}
    for call_id, closes_at, released_at, count in rows:
        per_call.setdefault(call_id, []).append((_days_between(closes_at, released_at), count))
    return [timing_of(call_id, batches) for call_id, batches in per_call.items()]


def _days_between(start: datetime, end: datetime) -> int:
    return max(0, (end - start).days)


def timing_of(call_id: int, batches: list[tuple[int, int]]) -> DecisionTiming:
    """The timing of ``batches`` of ``(days after the close, decisions released)``; the median is
    the days of the middle decision (the lower middle for an even count)."""
    batches = sorted(batches)
    total = sum(count for _, count in batches)
    middle, seen, median = (total + 1) // 2, 0, batches[0][0]
    for days, count in batches:
        seen += count
        if seen >= middle:
            median = days
            break
    return DecisionTiming(call_id, total, batches[0][0], median, batches[-1][0])
