"""Each funder's envelope in a call: what is committed, what remains, and by how much it is over.

Committed money is counted from two places, so nothing is counted twice: award decisions not yet
released (their proposed amounts), and the payments of awards already made that still stand
(scheduled or paid). A withdrawn offer cancels its payments and so frees its money; a terminated
award keeps only what was paid or is still due before its end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select

from grants.applications.models import Application
from grants.awards.models import Award, Decision, DecisionAmount, Payment
from grants.awards.states import COMMITTED_PAYMENT_STATES, DecisionState, Outcome
from grants.calls.models import Call, CallFunder
from grants.extensions import db
from grants.money import reader_money
from grants.reviews.services.pool import REVIEWABLE_STATES


@dataclass(frozen=True)
class EnvelopePosition:
    call_funder: CallFunder
    committed_minor: int

    @property
    def currency(self) -> str:
        return self.call_funder.currency

    @property
    def envelope_minor(self) -> int:
        return self.call_funder.envelope_minor

    @property
    def remaining_minor(self) -> int:
        return max(self.envelope_minor - self.committed_minor, 0)

    @property
    def over_minor(self) -> int:
        return max(self.committed_minor - self.envelope_minor, 0)

    @property
    def is_over(self) -> bool:
        return self.over_minor > 0

    def text(self, minor: int) -> str:
        return reader_money(minor, self.currency)


def committed_by_funder(call: Call) -> dict[int, int]:
    """Minor units committed per call funder id."""
    totals: dict[int, int] = defaultdict(int)
    drafted = db.session.execute(
        select(DecisionAmount.call_funder_id, func.sum(DecisionAmount.amount_minor))
        .join(Decision)
        .join(Application, Application.id == Decision.application_id)
        .where(
            Decision.call_id == call.id,
            Decision.state == DecisionState.DRAFT,
            Decision.outcome == Outcome.AWARD,
            # A draft on an application withdrawn since lapses: it holds no money.
            Application.state.in_(REVIEWABLE_STATES),
        )
        .group_by(DecisionAmount.call_funder_id)
    )
    awarded = awarded_by_call_funder(Award.call_id == call.id)
    for call_funder_id, amount in [*drafted, *awarded.items()]:
        totals[call_funder_id] += int(amount or 0)
    return dict(totals)


def awarded_by_call_funder(awards: ColumnElement[bool]) -> dict[int, int]:
    """Minor units awarded per call funder id over the awards ``awards`` selects, from the
    payments that stand: a withdrawn offer's and a terminated award's cancelled instalments have
    gone back to the envelope."""
    rows = db.session.execute(
        select(Payment.call_funder_id, func.sum(Payment.amount_minor))
        .join(Award)
        .where(awards, Payment.state.in_(COMMITTED_PAYMENT_STATES))
        .group_by(Payment.call_funder_id)
    )
    return {call_funder_id: int(amount or 0) for call_funder_id, amount in rows}


def envelope_positions(call: Call) -> list[EnvelopePosition]:
    committed = committed_by_funder(call)
    return [EnvelopePosition(entry, committed.get(entry.id, 0)) for entry in call.funders]


def overspent(call: Call) -> list[EnvelopePosition]:
    return [position for position in envelope_positions(call) if position.is_over]


def overspend_message(positions: list[EnvelopePosition]) -> str:
    parts = [
        _(
            "%(funder)s by %(over)s (%(committed)s of %(envelope)s)",
            funder=p.call_funder.funder.short_name,
            over=p.text(p.over_minor),
            committed=p.text(p.committed_minor),
            envelope=p.text(p.envelope_minor),
        )
        for p in positions
    ]
    return _(
        "These decisions overspend %(overspends)s. Reduce or move awards first.",
        overspends=_("; ").join(parts),
    )
