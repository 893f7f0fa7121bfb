"""Money per funder: what applicants asked for, the envelope, and what was awarded.

Each funder's figures stay in its own currency; amounts in different currencies are never added.
A programme's figures add up its calls' envelopes per funder and currency.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from grants.applications.models import Application, BudgetLine
from grants.awards.models import Award
from grants.awards.services.envelopes import awarded_by_call_funder
from grants.calls.models import CallFunder, Funder
from grants.extensions import db
from grants.insights.services.applications import RECEIVED_STATES
from grants.insights.services.scope import FigureScope
from grants.money import reader_money


@dataclass(frozen=True)
class FunderMoney:
    funder: str
    currency: str
    envelope_minor: int
    requested_minor: int
    awarded_minor: int

    def text(self, minor: int) -> str:
        return reader_money(minor, self.currency)


def money_by_funder(scope: FigureScope) -> list[FunderMoney]:
    """Requested (by received applications), envelope and awarded (the payments that stand, as
    the envelopes and the portfolio count them) per funder and currency, in three grouped queries."""
    envelopes = db.session.execute(
        select(CallFunder.id, Funder.short_name, CallFunder.currency, CallFunder.envelope_minor)
        .join(Funder, Funder.id == CallFunder.funder_id)
        .where(scope.on(CallFunder.call_id))
        .order_by(CallFunder.call_id, CallFunder.id)
    ).all()
    requested = dict(
        db.session.execute(
            select(BudgetLine.call_funder_id, func.sum(BudgetLine.amount_minor))
            .join(Application, Application.id == BudgetLine.application_id)
            .where(Application.state.in_(RECEIVED_STATES), scope.on(Application.call_id))
            .group_by(BudgetLine.call_funder_id)
        ).all()
    )
    awarded = awarded_by_call_funder(scope.on(Award.call_id))
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for call_funder_id, funder, currency, envelope in envelopes:
        sums = totals[(funder, currency)]
        sums[0] += int(envelope)
        sums[1] += int(requested.get(call_funder_id) or 0)
        sums[2] += int(awarded.get(call_funder_id) or 0)
    return [
        FunderMoney(funder, currency, envelope, asked, given)
        for (funder, currency), (envelope, asked, given) in totals.items()
    ]
