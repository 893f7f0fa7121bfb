"""The portfolio across programmes: awards by status, money committed and paid per funder, overdue
reports, and the running count of collaborative projects supported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, distinct, extract, func, select
from sqlalchemy.orm import selectinload

from grants.applications.models import TeamMember
from grants.awards.models import Award, Report
from grants.awards.services.portfolio import FunderTotal, funder_totals, late_report_condition
from grants.awards.states import AwardState
from grants.calls.models import Call, Programme
from grants.extensions import db
from grants.insights.charts import Bar, BarChart, bar_chart
from grants.insights.services.scope import PortfolioScope

# Projects under way or done: an offer not yet accepted supports nothing yet, a withdrawn one never will.
SUPPORTED_STATES = (AwardState.ACTIVE, AwardState.COMPLETED, AwardState.TERMINATED)


@dataclass(frozen=True)
class YearCount:
    year: int
    started: int
    # Collaborative projects supported from the first year up to and including this one.
    running_total: int


@dataclass(frozen=True)
class ProgrammeRow:
    programme: Programme
    by_state: dict[str, int]

    @property
    def supported(self) -> int:
        return sum(self.by_state.get(state, 0) for state in SUPPORTED_STATES)


@dataclass(frozen=True)
class Portfolio:
    scope: PortfolioScope
    by_state: dict[str, int]
    money: list[FunderTotal]
    overdue_reports: int
    years: list[YearCount]
    programmes: list[ProgrammeRow]

    @property
    def collaborative_total(self) -> int:
        """The running count at the selected year, or over every year."""
        chosen = [y for y in self.years if self.scope.year is None or y.year <= self.scope.year]
        return chosen[-1].running_total if chosen else 0

    @property
    def first_year(self) -> int | None:
        return self.years[0].year if self.years else None

    @property
    def state_chart(self) -> BarChart:
        counts = [(state.local_label, self.by_state.get(state, 0)) for state in AwardState]
        return bar_chart(_("Awards by status"), counts)

    @property
    def year_bars(self) -> list[tuple[YearCount, Bar]]:
        """Each year with its bar (projects started), the chosen year highlighted."""
        chart = bar_chart(
            _("Collaborative projects started per year"),
            [(str(y.year), y.started) for y in self.years],
            highlight=(str(self.scope.year),) if self.scope.year else (),
        )
        return list(zip(self.years, chart.bars, strict=True))


def collaborative_condition(awards: ColumnElement[bool]) -> ColumnElement[bool]:
    """Among the awards ``awards`` selects, those whose joined team spans more than one country."""
    spanning = (
        select(TeamMember.application_id)
        .where(
            TeamMember.accepted_at.is_not(None),
            TeamMember.application_id.in_(select(Award.application_id).where(awards).scalar_subquery()),
        )
        .group_by(TeamMember.application_id)
        .having(func.count(distinct(TeamMember.country)) > 1)
    )
    return and_(awards, Award.application_id.in_(spanning.scalar_subquery()))


def portfolio(scope: PortfolioScope, now: datetime) -> Portfolio:
    """The figures for ``scope``; the yearly running count ignores the year filter so that the
    chart shows how the count grew, and marks the chosen year."""
    in_scope = scope.award_condition()
    by_state = dict(
        db.session.execute(select(Award.state, func.count()).where(in_scope).group_by(Award.state)).all()
    )
    award_ids = select(Award.id).where(in_scope).scalar_subquery()
    overdue = db.session.scalar(
        select(func.count(Report.id))
        .join(Award, Award.id == Report.award_id)
        .join(Call, Call.id == Award.call_id)
        .where(Award.id.in_(award_ids), late_report_condition(now))
    )
    return Portfolio(
        scope=scope,
        by_state=by_state,
        money=funder_totals(award_ids),
        overdue_reports=int(overdue or 0),
        years=_years(scope),
        programmes=_programme_rows(scope),
    )


def _years(scope: PortfolioScope) -> list[YearCount]:
    year = extract("year", Award.start_date)
    rows = db.session.execute(
        select(year, func.count())
        .where(
            collaborative_condition(
                and_(scope.award_condition(with_year=False), Award.state.in_(SUPPORTED_STATES))
            )
        )
        .group_by(year)
        .order_by(year)
    ).all()
    years, running = [], 0
    for started_in, count in rows:
        running += count
        years.append(YearCount(int(started_in), count, running))
    return years


def _programme_rows(scope: PortfolioScope) -> list[ProgrammeRow]:
    chosen = select(Programme).options(selectinload(Programme.calls)).order_by(Programme.name)
    if scope.programme_id:
        chosen = chosen.where(Programme.id == scope.programme_id)
    programmes = {programme.id: programme for programme in db.session.scalars(chosen)}
    counts: dict[int, dict[str, int]] = {pid: {} for pid in programmes}
    rows = db.session.execute(
        select(Call.programme_id, Award.state, func.count())
        .join(Call, Call.id == Award.call_id)
        .where(scope.award_condition())
        .group_by(Call.programme_id, Award.state)
    ).all()
    for programme_id, state, count in rows:
        counts[programme_id][state] = count
    return [ProgrammeRow(programme, counts[pid]) for pid, programme in programmes.items()]
