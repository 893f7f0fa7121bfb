"""Finding awards: the officers' portfolio with its filters and totals, a holder's own awards,
and what each award needs next."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, ScalarSelect, and_, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from grants.accounts.models import User
from grants.applications.models import Application, TeamMember
from grants.awards.models import Award, AwardFunding, Milestone, Payment, Report, ReportFile
from grants.awards.services.offers import lead_members, offer_lapsed
from grants.awards.states import (
    COMMITTED_PAYMENT_STATES,
    LATE_REPORT_STATES,
    OPEN_REPORT_STATES,
    AwardState,
    PaymentState,
)
from grants.calls.models import Call, CallFunder, Funder
from grants.extensions import db
from grants.money import reader_money
from grants.paging import page_within


@dataclass(frozen=True)
class PortfolioFilters:
    call_id: int | None = None
    funder_id: int | None = None
    state: str | None = None
    overdue: bool = False

    def as_args(self) -> dict[str, object]:
        """The filters as query-string values, for pagination links."""
        return {
            key: value
            for key, value in {
                "call": self.call_id,
                "funder": self.funder_id,
                "state": self.state,
                "overdue": "1" if self.overdue else None,
            }.items()
            if value
        }


def late_report_condition(now: datetime) -> ColumnElement[bool]:
    """A report the team owes past its due date, judged by the day in its award's call time zone
    (as the award pages judge it). The statement must join ``Call`` to the report's award."""
    zones = list(db.session.scalars(select(Call.time_zone).join(Award, Award.call_id == Call.id).distinct()))
    late_in_zone = [
        and_(Call.time_zone == zone, Report.due_date < now.astimezone(ZoneInfo(zone)).date())
        for zone in zones
    ]
    return and_(Report.state.in_(LATE_REPORT_STATES), or_(false(), *late_in_zone))


def _overdue_condition(now: datetime):
    """Something the holders owe is late: an offer not accepted in time, or a late report."""
    late_report = exists().where(
        Report.award_id == Award.id, Call.id == Award.call_id, late_report_condition(now)
    )
    lapsed_offer = and_(Award.state == AwardState.OFFERED, Award.offer_expires_at <= now)
    return or_(late_report, lapsed_offer)


def _filtered(filters: PortfolioFilters, now: datetime):
    statement = select(Award)
    if filters.call_id:
        statement = statement.where(Award.call_id == filters.call_id)
    if filters.funder_id:
        statement = statement.where(
            Award.fundings.any(AwardFunding.call_funder.has(CallFunder.funder_id == filters.funder_id))
        )
    if filters.state in {s.value for s in AwardState}:
        statement = statement.where(Award.state == filters.state)
    if filters.overdue:
        statement = statement.where(_overdue_condition(now))
    return statement


def portfolio_page(filters: PortfolioFilters, now: datetime, page: int = 1, per_page: int = 25):
    """One page of the filtered awards, newest offers first."""
    statement = (
        _filtered(filters, now)
        .options(
            selectinload(Award.reports),
            selectinload(Award.payments),
            # What the conflict-of-interest check on each row reads.
            selectinload(Award.application).options(
                selectinload(Application.members).joinedload(TeamMember.user).selectinload(User.role_rows),
                selectinload(Application.conflicts),
            ),
        )
        .order_by(Award.offered_at.desc(), Award.id.desc())
    )
    return page_within(statement, page, per_page)


@dataclass(frozen=True)
class FunderTotal:
    funder: str
    currency: str
    awarded_minor: int
    paid_minor: int
    to_pay_minor: int

    def text(self, minor: int) -> str:
        return reader_money(minor, self.currency)


def portfolio_totals(filters: PortfolioFilters, now: datetime) -> list[FunderTotal]:
    """Totals per funder and currency over every award the filters match (not just one page).
    Filtered by funder, only that funder's money is totalled."""
    award_ids = _filtered(filters, now).with_only_columns(Award.id).scalar_subquery()
    return funder_totals(award_ids, funder_id=filters.funder_id)


def funder_totals(award_ids: ScalarSelect[int], funder_id: int | None = None) -> list[FunderTotal]:
    """Totals per funder and currency over the awards ``award_ids`` selects, from the payments
    that stand: awarded is paid plus still to pay, so a withdrawn offer or the cancelled part of a
    terminated award no longer counts. Amounts in different currencies are never added together."""
    statement = (
        select(Funder.short_name, Payment.currency, Payment.state, func.sum(Payment.amount_minor))
        .join(CallFunder, CallFunder.id == Payment.call_funder_id)
        .join(Funder, Funder.id == CallFunder.funder_id)
        .where(Payment.award_id.in_(award_ids), Payment.state.in_(COMMITTED_PAYMENT_STATES))
        .group_by(Funder.short_name, Payment.currency, Payment.state)
    )
    if funder_id:
        statement = statement.where(Funder.id == funder_id)
    by_state: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, currency, state, amount in db.session.execute(statement):
        by_state[(name, currency)][state] += int(amount or 0)
    return sorted(
        (
            FunderTotal(
                name,
                currency,
                sum(states.values()),
                states[PaymentState.RELEASED],
                states[PaymentState.SCHEDULED],
            )
            for (name, currency), states in by_state.items()
        ),
        key=lambda t: (t.funder, t.currency),
    )


def _holder_condition(user: User):
    return Award.application.has(
        Application.members.any(and_(TeamMember.user_id == user.id, TeamMember.accepted_at.is_not(None)))
    )


def holds_any_award(user: User) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Award.id).where(_holder_condition(user)).limit(1)) is not None


def holder_awards(user: User) -> list[Award]:
    """The awards of every application ``user`` is a joined member of, newest first."""
    statement = (
        select(Award)
        .where(_holder_condition(user))
        .options(selectinload(Award.reports), selectinload(Award.payments), selectinload(Award.milestones))
        .order_by(Award.offered_at.desc(), Award.id.desc())
    )
    return list(db.session.scalars(statement))


@dataclass(frozen=True)
class DueItem:
    on: date
    what: str
    late: bool


def due_items(award: Award, now: datetime, today: date) -> list[DueItem]:
    """What the award's team and officers are waiting for, soonest first."""
    items = []
    if award.state == AwardState.OFFERED:
        leads = lead_members(award.application)
        accepted = {a.user_id for a in award.acceptances}
        items.append(
            DueItem(
                award.offer_expires_at.astimezone(award.call.zone).date(),
                _(
                    "Lead investigators accept the agreement (%(accepted)s of %(leads)s accepted)",
                    accepted=len(accepted),
                    leads=len(leads),
                ),
                offer_lapsed(award, now),
            )
        )
    for report in award.reports:
        if report.state in OPEN_REPORT_STATES:
            what = (
                _("%(report)s (awaiting the officer's review)", report=report.title)
                if report.state == "submitted"
                else report.title
            )
            items.append(DueItem(report.due_date, what, report.is_overdue(today)))
    for milestone in award.milestones:
        if milestone.achieved_on is None and award.state in (AwardState.ACTIVE, AwardState.OFFERED):
            items.append(
                DueItem(
                    milestone.due_date,
                    _("Milestone: %(title)s", title=milestone.title),
                    milestone.due_date < today,
                )
            )
    for payment in award.payments:
        if payment.state == PaymentState.SCHEDULED:
            items.append(
                DueItem(
                    payment.due_on,
                    _(
                        "Payment %(number)s from %(funder)s: %(amount)s",
                        number=payment.sequence,
                        funder=payment.call_funder.funder.short_name,
                        amount=reader_money(payment.amount_minor, payment.currency),
                    ),
                    False,
                )
            )
    return sorted(items, key=lambda item: (item.on, item.what))


def find_award(award_id: int) -> Award | None:
    return db.session.get(Award, award_id)


def find_report(report_id: int) -> Report | None:
    return db.session.get(Report, report_id)


def find_payment(payment_id: int) -> Payment | None:
    return db.session.get(Payment, payment_id)


def find_milestone(milestone_id: int) -> Milestone | None:
    return db.session.get(Milestone, milestone_id)


def find_report_file(file_id: int) -> ReportFile | None:
    return db.session.get(ReportFile, file_id)
