"""The payments export: one row per instalment, whatever its state (cancelled ones say so)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from grants.accounts.models import User
from grants.awards.models import Award, Payment
from grants.awards.states import PaymentState
from grants.calls.models import CallFunder, Funder
from grants.extensions import db
from grants.insights.exports.base import Export, Release, Row, as_of_now, chunked_rows, id_chunks
from grants.money import to_major
from grants.security.visibility import Hidden, hidden_for

HEADERS = [
    "Award reference",
    "Funder",
    "Currency",
    "Instalment",
    "Amount",
    "Due on",
    "Status",
    "Paid on",
    "Finance reference",
]


def payments_export(
    officer: User, condition: ColumnElement[bool], *, release: Release | None = None
) -> Export:
    """The payments of the awards ``condition`` (on ``Award``) selects."""
    ids = as_of_now(select(Payment.id).join(Award, Award.id == Payment.award_id).where(condition), Payment.id)
    awards = select(Payment.award_id).where(Payment.id.in_(ids.scalar_subquery()))
    hidden = hidden_for(officer, select(Award.application_id).where(Award.id.in_(awards.scalar_subquery())))
    rows = chunked_rows(id_chunks(ids, Payment.id), lambda chunk: _rows(chunk, hidden), release)
    return Export("payments", "Payments", list(HEADERS), rows)


def _rows(ids: list[int], hidden: Hidden) -> list[Row]:
    found = db.session.execute(
        select(
            Award.application_id,
            Award.reference,
            Funder.short_name,
            Payment.currency,
            Payment.sequence,
            Payment.amount_minor,
            Payment.due_on,
            Payment.state,
            Payment.paid_on,
            Payment.payment_reference,
        )
        .join(Award, Award.id == Payment.award_id)
        .join(CallFunder, CallFunder.id == Payment.call_funder_id)
        .join(Funder, Funder.id == CallFunder.funder_id)
        .where(Payment.id.in_(ids))
        .order_by(Payment.id)
    )
    return [
        (
            reference,
            funder,
            currency,
            sequence,
            to_major(amount, currency),
            due_on,
            str(PaymentState(state).label),
            paid_on,
            finance,
        )
        for app_id, reference, funder, currency, sequence, amount, due_on, state, paid_on, finance in found
        if not hidden.hides_award(app_id)
    ]
