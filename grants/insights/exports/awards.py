"""The awards export: one row per award and funder, with what was awarded, paid and still to pay,
counted from the payments that stand as the portfolio's totals count them (awarded is paid plus
still to pay, so a withdrawn offer or the cancelled part of a terminated award no longer counts)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, func, select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.awards.models import Award, AwardFunding, Payment
from grants.awards.states import COMMITTED_PAYMENT_STATES, AwardState, PaymentState
from grants.calls.models import Call, CallFunder, Funder, Programme
from grants.extensions import db
from grants.insights.exports.base import (
    Export,
    Release,
    Row,
    application_reference,
    as_of_now,
    chunked_rows,
    id_chunks,
)
from grants.money import to_major
from grants.security.visibility import Hidden, hidden_for

HEADERS = [
    "Award reference",
    "Application reference",
    "Title",
    "Programme",
    "Call",
    "Status",
    "Start date",
    "End date",
    "Lead applicant",
    "Funder",
    "Currency",
    "Awarded",
    "Paid",
    "Still to pay",
]


def awards_export(officer: User, condition: ColumnElement[bool], *, release: Release | None = None) -> Export:
    """The awards ``condition`` (on ``Award``) selects: one call's, or a portfolio scope's."""
    ids = as_of_now(select(Award.id).where(condition), Award.id)
    hidden = hidden_for(officer, select(Award.application_id).where(Award.id.in_(ids.scalar_subquery())))
    rows = chunked_rows(id_chunks(ids, Award.id), lambda chunk: _rows(chunk, hidden), release)
    return Export("awards", "Awards", list(HEADERS), rows)


def _rows(ids: list[int], hidden: Hidden) -> list[Row]:
    awards = db.session.execute(
        select(
            Award.id,
            Award.application_id,
            Award.reference,
            Application.reference,
            Application.title,
            Programme.name,
            Call.title,
            Award.state,
            Award.start_date,
            Award.end_date,
            User.full_name,
        )
        .join(Application, Application.id == Award.application_id)
        .join(User, User.id == Application.lead_applicant_id)
        .join(Call, Call.id == Award.call_id)
        .join(Programme, Programme.id == Call.programme_id)
        .where(Award.id.in_(ids))
        .order_by(Award.id)
    ).all()
    fundings = _fundings(ids)
    money = _committed(ids)
    rows = []
    for award_id, app_id, reference, app_reference, title, programme, call, state, start, end, lead in awards:
        if hidden.hides_award(app_id):
            continue
        about = (
            reference,
            application_reference(app_reference, app_id),
            title,
            programme,
            call,
            str(AwardState(state).label),
            start,
            end,
            lead,
        )
        for cf_id, funder, currency in fundings[award_id]:
            states = money[(award_id, cf_id)]
            paid = states[PaymentState.RELEASED]
            to_pay = states[PaymentState.SCHEDULED]
            rows.append(
                (
                    *about,
                    funder,
                    currency,
                    to_major(paid + to_pay, currency),
                    to_major(paid, currency),
                    to_major(to_pay, currency),
                )
            )
    return rows


def _fundings(ids: list[int]) -> dict[int, list[tuple[int, str, str]]]:
    """Award id -> (call funder id, funder short name, currency), in the call's funder order."""
    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for award_id, cf_id, funder, currency in db.session.execute(
        select(AwardFunding.award_id, AwardFunding.call_funder_id, Funder.short_name, AwardFunding.currency)
        .join(CallFunder, CallFunder.id == AwardFunding.call_funder_id)
        .join(Funder, Funder.id == CallFunder.funder_id)
        .where(AwardFunding.award_id.in_(ids))
        .order_by(AwardFunding.award_id, AwardFunding.call_funder_id)
    ):
        found[award_id].append((cf_id, funder, currency))
    return found


def _committed(ids: list[int]) -> dict[tuple[int, int], dict[str, int]]:
    """(award id, call funder id) -> payment state -> total, over payments that still stand."""
    totals: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for award_id, cf_id, state, amount in db.session.execute(
        select(Payment.award_id, Payment.call_funder_id, Payment.state, func.sum(Payment.amount_minor))
        .where(Payment.award_id.in_(ids), Payment.state.in_(COMMITTED_PAYMENT_STATES))
        .group_by(Payment.award_id, Payment.call_funder_id, Payment.state)
    ):
        totals[(award_id, cf_id)][state] += int(amount or 0)
    return totals
