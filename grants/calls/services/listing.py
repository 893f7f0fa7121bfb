"""Finding calls: the public list of open and upcoming calls with its filters, and the staff list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from grants.calls.models import Call, CallFunder, CallPriorityArea, Funder
from grants.calls.states import CallState
from grants.extensions import db


@dataclass(frozen=True)
class CallFilters:
    priority_area: str = ""
    funder_id: int | None = None
    country: str = ""

    @property
    def active(self) -> bool:
        return bool(self.priority_area or self.funder_id or self.country)


def public_calls(now: datetime, filters: CallFilters = CallFilters()) -> list[Call]:
    """Open calls whose closing time has not passed, soonest deadline first (upcoming ones too)."""
    query = select(Call).where(Call.state == CallState.OPEN, Call.closes_at > now)
    if filters.priority_area:
        query = query.where(Call.priority_areas.any(CallPriorityArea.name == filters.priority_area))
    if filters.funder_id:
        query = query.where(Call.funders.any(CallFunder.funder_id == filters.funder_id))
    if filters.country:
        query = query.where(Call.funders.any(CallFunder.funder.has(Funder.country == filters.country)))
    return list(db.session.scalars(query.order_by(Call.closes_at, Call.id)))


@dataclass(frozen=True)
class FilterOptions:
    priority_areas: list[str]
    funders: list[Funder]
    countries: list[str]


def filter_options(calls: list[Call]) -> FilterOptions:
    """The choices worth offering: only values that some of ``calls`` (the unfiltered list) has."""
    areas = sorted({area for call in calls for area in call.area_names})
    funders = {entry.funder.id: entry.funder for call in calls for entry in call.funders}
    countries = sorted({country for call in calls for country in call.countries})
    return FilterOptions(areas, sorted(funders.values(), key=lambda funder: funder.name), countries)


def staff_calls() -> list[Call]:
    """Every call, newest first, for the officers' overview."""
    return list(db.session.scalars(select(Call).order_by(Call.opens_at.desc(), Call.id.desc())))


def find_call(call_id: int) -> Call | None:
    return db.session.get(Call, call_id)
