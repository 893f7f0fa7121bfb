"""What a figure covers: the calls of a dashboard, or the awards of the portfolio (all programmes or
one, optionally only the awards that started in one calendar year)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, select, true

from grants.awards.models import Award
from grants.calls.models import Call
from grants.numbers import whole_number


@dataclass(frozen=True)
class PortfolioScope:
    programme_id: int | None = None
    year: int | None = None

    def award_condition(self, *, with_year: bool = True) -> ColumnElement[bool]:
        """A condition on ``Award`` (joined to nothing else) selecting the awards in scope."""
        conditions = []
        if self.programme_id:
            conditions.append(Award.call.has(Call.programme_id == self.programme_id))
        if with_year and self.year:
            conditions.append(Award.start_date.between(date(self.year, 1, 1), date(self.year, 12, 31)))
        return and_(true(), *conditions)

    def as_args(self) -> dict[str, int]:
        """The scope as query-string values, for links that keep it."""
        return {
            key: value for key, value in {"programme": self.programme_id, "year": self.year}.items() if value
        }


EARLIEST_YEAR, LATEST_YEAR = 1990, 2100


def read_portfolio_scope(
    programme_text: str, year_text: str, programme_ids: Collection[int]
) -> tuple[PortfolioScope, list[str]]:
    """The scope a query string asks for, and why any part of it was left out (a part that cannot
    be used is ignored, never fatal)."""
    problems = []
    programme_id = whole_number(programme_text)
    if programme_text.strip() and programme_id not in programme_ids:
        problems.append(_("There is no such programme."))
        programme_id = None
    year = whole_number(year_text)
    if year_text.strip() and (year is None or not EARLIEST_YEAR <= year <= LATEST_YEAR):
        problems.append(
            _(
                "The year must be a whole number from %(first)d to %(last)d.",
                first=EARLIEST_YEAR,
                last=LATEST_YEAR,
            )
        )
        year = None
    return PortfolioScope(programme_id=programme_id, year=year), problems


@dataclass(frozen=True)
class FigureScope:
    """The calls a dashboard covers: one call, or every call of one programme."""

    call_id: int | None = None
    programme_id: int | None = None

    def on(self, call_id_column: Any) -> ColumnElement[bool]:
        """A condition on any ``call_id`` column (applications, assignments, awards, funders)."""
        if self.call_id is not None:
            return call_id_column == self.call_id
        programme_calls = select(Call.id).where(Call.programme_id == self.programme_id)
        return call_id_column.in_(programme_calls.scalar_subquery())
