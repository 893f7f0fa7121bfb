"""Which applications an officer may not see, worked out for many at once (an export, a page of
the audit log).

The access predicates (``can_view_application``, ``can_see_scores``, ``can_manage_award``) ask
about one application at a time and walk its team, conflicts and assignments; asked per row of a
call of thousands that is thousands of queries. Here the same rules are answered for every
application at once: the officer's recorded conflicts in one query, and one detection pass over
every team against the officer (as the conflict services run it), from the team members' columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from grants.accounts.models import Institution, User
from grants.applications.models import TeamMember
from grants.applications.states import ApplicationState
from grants.extensions import db
from grants.reviews.detection import Person, detect_conflicts
from grants.reviews.models import ConflictOfInterest, Review, ReviewAssignment
from grants.reviews.people import reviewer_person
from grants.reviews.states import ACTIVE_ASSIGNMENT_STATES, ReviewState

# Applications per call to ``detect_conflicts``: enough to keep its cost per team low, few enough
# that the teams held at once stay small.
DETECTION_BATCH = 1000


@dataclass(frozen=True)
class Hidden:
    """Application ids the officer is conflicted with, is a joined team member of, or still owes
    a review of; the methods mirror the predicates the pages use."""

    conflicted: frozenset[int]
    on_team: frozenset[int]
    owes_review: frozenset[int]

    def hides_application(self, application_id: int, state: str) -> bool:
        """As ``can_view_application``: the team sees its own; staff see drafts, and the rest
        unless conflicted."""
        if application_id in self.on_team:
            return False
        return state != ApplicationState.DRAFT and application_id in self.conflicted

    def hides_reviews(self, application_id: int) -> bool:
        """As ``can_see_scores``: not while conflicted, nor while the officer owes a review of it."""
        return application_id in self.conflicted or application_id in self.owes_review

    def hides_award(self, application_id: int) -> bool:
        """As ``can_manage_award``."""
        return application_id in self.conflicted


def hidden_for(officer: User, application_ids: Select) -> Hidden:
    """What ``officer`` may not see among the applications ``application_ids`` selects."""
    recorded = frozenset(
        db.session.scalars(
            select(ConflictOfInterest.application_id).where(
                ConflictOfInterest.reviewer_id == officer.id,
                ConflictOfInterest.application_id.in_(application_ids),
            )
        )
    )
    owes = frozenset(
        db.session.scalars(
            select(ReviewAssignment.application_id)
            .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
            .where(
                ReviewAssignment.reviewer_id == officer.id,
                ReviewAssignment.state.in_(ACTIVE_ASSIGNMENT_STATES),
                ReviewAssignment.application_id.in_(application_ids),
                or_(Review.id.is_(None), Review.state != ReviewState.SUBMITTED),
            )
        )
    )
    detected, on_team = _detected(officer, application_ids)
    return Hidden(conflicted=recorded | detected, on_team=on_team, owes_review=owes)


def _detected(officer: User, application_ids: Select) -> tuple[frozenset[int], frozenset[int]]:
    """The applications detection finds the officer conflicted with, and those whose team the
    officer has joined. One pass over every team member, read as columns and handed to
    ``detect_conflicts`` ``DETECTION_BATCH`` applications at a time: each team is judged on its
    own, so batches find what one call over the whole call would, in memory that stays flat."""
    officer_person = [reviewer_person(officer)]
    conflicted: set[int] = set()
    on_team: set[int] = set()
    teams: dict[int, list[Person]] = {}

    def detect() -> None:
        order = list(teams)
        found = detect_conflicts([teams[app_id] for app_id in order], officer_person)
        conflicted.update(order[conflict.application] for conflict in found)
        teams.clear()

    for member in team_member_rows(application_ids):
        app_id = member.application_id
        if app_id not in teams and len(teams) >= DETECTION_BATCH:
            detect()
        teams.setdefault(app_id, []).append(
            Person(email=member.email, orcid=member.orcid, institution=member.institution)
        )
        if member.user_id == officer.id and member.joined:
            on_team.add(app_id)
    detect()
    return frozenset(conflicted), frozenset(on_team)


class TeamMemberRow(NamedTuple):
    application_id: int
    email: str
    user_id: int | None
    country: str
    joined: bool
    orcid: str | None
    # The member's own institution, else their account's (as ``reviews.people`` sees them).
    institution: str | None


def team_member_rows(application_ids: Select | list[int]) -> Iterator[TeamMemberRow]:
    """Everyone named on the teams of ``application_ids``, joined or not, by application, read as
    columns (a call's worth of teams without building an object per member)."""
    member_institution = aliased(Institution)
    user_institution = aliased(Institution)
    rows = db.session.execute(
        select(
            TeamMember.application_id,
            TeamMember.email,
            TeamMember.user_id,
            TeamMember.country,
            TeamMember.accepted_at.is_not(None),
            User.orcid,
            func.coalesce(member_institution.name, user_institution.name),
        )
        .outerjoin(User, User.id == TeamMember.user_id)
        .outerjoin(member_institution, member_institution.id == TeamMember.institution_id)
        .outerjoin(user_institution, user_institution.id == User.institution_id)
        .where(TeamMember.application_id.in_(application_ids))
        .order_by(TeamMember.application_id, TeamMember.id)
        .execution_options(yield_per=2000)
    )
    for row in rows:
        yield TeamMemberRow(*row)
