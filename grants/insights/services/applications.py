"""Applications in figures: by status, priority area, country and institution, and success rate.

Each figure is one grouped query, whatever the number of applications.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import distinct, func, select

from grants.accounts.models import Institution
from grants.applications.models import Application, TeamMember
from grants.applications.states import ApplicationState
from grants.extensions import db
from grants.insights.services.scope import FigureScope

# Applications a funder has received: submitted once and not taken back (a reopened one is a
# draft again until it is resubmitted).
RECEIVED_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.UNDER_REVIEW,
    ApplicationState.AWARDED,
    ApplicationState.REJECTED,
    ApplicationState.WAITLISTED,
)
DECIDED_STATES = (ApplicationState.AWARDED, ApplicationState.REJECTED, ApplicationState.WAITLISTED)
TOP_INSTITUTIONS = 12


@dataclass(frozen=True)
class InstitutionCount:
    name: str
    country: str
    applications: int


@dataclass(frozen=True)
class ApplicationFigures:
    by_status: dict[str, int]
    by_area: list[tuple[str, int]]
    by_country: list[tuple[str, int]]
    top_institutions: list[InstitutionCount]
    institution_total: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def received(self) -> int:
        return sum(self.by_status.get(state, 0) for state in RECEIVED_STATES)

    @property
    def awarded(self) -> int:
        return self.by_status.get(ApplicationState.AWARDED, 0)

    @property
    def decided(self) -> int:
        return sum(self.by_status.get(state, 0) for state in DECIDED_STATES)


def application_figures(scope: FigureScope, area_order: list[str] | None = None) -> ApplicationFigures:
    """The application figures of the calls in ``scope``. Areas follow ``area_order`` (the
    call's own order) with any others after, largest first."""
    received = (Application.state.in_(RECEIVED_STATES), scope.on(Application.call_id))
    by_status = dict(
        db.session.execute(
            select(Application.state, func.count())
            .where(scope.on(Application.call_id))
            .group_by(Application.state)
        ).all()
    )
    areas = dict(
        db.session.execute(
            select(func.coalesce(Application.priority_area, ""), func.count())
            .where(*received)
            .group_by(Application.priority_area)
        ).all()
    )
    countries = db.session.execute(
        select(TeamMember.country, func.count(distinct(TeamMember.application_id)))
        .join(Application, Application.id == TeamMember.application_id)
        .where(*received, TeamMember.accepted_at.is_not(None))
        .group_by(TeamMember.country)
        .order_by(func.count(distinct(TeamMember.application_id)).desc(), TeamMember.country)
    ).all()
    institution_counts = (
        select(
            Institution.name,
            Institution.country,
            func.count(distinct(TeamMember.application_id)).label("applications"),
        )
        .join(TeamMember, TeamMember.institution_id == Institution.id)
        .join(Application, Application.id == TeamMember.application_id)
        .where(*received, TeamMember.accepted_at.is_not(None))
        .group_by(Institution.id, Institution.name, Institution.country)
    ).subquery()
    top = db.session.execute(
        select(institution_counts, func.count().over())
        .order_by(institution_counts.c.applications.desc(), institution_counts.c.name)
        .limit(TOP_INSTITUTIONS)
    ).all()
    return ApplicationFigures(
        by_status={state: by_status.get(state, 0) for state in ApplicationState},
        by_area=_ordered_areas(areas, area_order or []),
        by_country=list(countries),
        top_institutions=[InstitutionCount(name, country, count) for name, country, count, _total in top],
        institution_total=top[0][3] if top else 0,
    )


def _ordered_areas(counts: dict[str, int], order: list[str]) -> list[tuple[str, int]]:
    named = [(area, counts.get(area, 0)) for area in order]
    others = sorted(
        ((area or _("No area given"), n) for area, n in counts.items() if area not in order),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return named + others
