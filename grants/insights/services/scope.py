"""What a figure covers: the calls of a dashboard, or the awards of the portfolio (all programmes or
one, optionally only the awards that started in one calendar year)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true

from grants.awards.models import Award
from grants.calls.models import Call


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
