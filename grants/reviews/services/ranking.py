"""The ranking page: a whole call in the panel's order, read one page at a time.

A call of thousands cannot be ranked by loading every application with its team, budget and
reviews. The order is worked out from plain rows instead (each application's heading, its
submitted scores, its request to each funder, and whether the viewer may see its scores), then
only the page being read is shown. Places and running totals still count from the top of the
whole call, and each funder's envelope is summed over the whole call too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, case, cast, false, func, or_, select
from sqlalchemy.orm import aliased

from grants.accounts.models import Institution, User
from grants.applications.models import Application, BudgetLine, TeamMember
from grants.calls.models import Call, CallFunder
from grants.extensions import db
from grants.reviews.detection import (
    Person,
    ReviewerPerson,
    collector_paused,
    detect_conflicts,
    institution_key,
    organisation_domain,
)
from grants.reviews.models import ConflictOfInterest, Review, ReviewAssignment
from grants.reviews.people import member_person, reviewer_person
from grants.reviews.services.pool import REVIEWABLE_STATES
from grants.reviews.services.scoring import (
    ApplicationScores,
    Heading,
    display_scale,
    place_rows,
    score_applications,
    sort_order,
)
from grants.reviews.states import ACTIVE_ASSIGNMENT_STATES, ReviewState
from grants.security.predicates import can_manage_calls

PER_PAGE = 50


@dataclass(frozen=True)
class EnvelopeUse:
    """One funder's envelope against the requests of every ranked application."""

    call_funder: CallFunder
    requested_minor: int
    # The first place, in the order shown, whose running total is over the envelope.
    passed_at: int | None


@dataclass
class RankingPage:
    """One page of the ranked call; ``rows`` carry running totals from the top of the call."""

    call: Call
    rows: list[ApplicationScores]
    sort: str
    ascending: bool
    scale: tuple[int, int]
    page: int
    per_page: int
    total: int
    envelopes: list[EnvelopeUse]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_place(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def ranking_page(
    call: Call,
    viewer: Any,
    sort: str = "calibrated",
    ascending: bool | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> RankingPage:
    """Page ``page`` of the call's reviewable applications in the chosen order (a page before
    the first or past the last reads as the first or the last).

    Rows whose scores the viewer may not see go last and show no scores, as in ``ranking``."""
    sort, ascending = sort_order(sort, ascending)
    # Tens of thousands of small rows, all alive until the page is cut: the cyclic collector's
    # passes over them would find nothing.
    with collector_paused():
        placed = _placed(call, viewer, sort, ascending)
        envelopes = _envelopes(call, placed)
    result = RankingPage(call, [], sort, ascending, display_scale(call), 1, per_page, len(placed), envelopes)
    result.page = min(max(page, 1), result.pages)
    start = result.first_place - 1
    result.rows = placed[start : start + per_page]
    return result


def _placed(call: Call, viewer: Any, sort: str, ascending: bool) -> list[ApplicationScores]:
    """Every reviewable application of the call in ranking order, from plain rows."""
    headings = _headings(call)
    scored = score_applications(call, headings)
    hidden = hidden_applications(viewer, call, headings)
    rows = [
        ApplicationScores(
            heading,
            scored.scores[app_id],
            scored.calibrated.get(app_id),
            required=call.reviews_required,
            requested=requested,
            hidden=app_id in hidden,
        )
        for app_id, (heading, requested) in headings.items()
    ]
    return place_rows(rows, sort, ascending)


def _headings(call: Call) -> dict[int, tuple[Heading, dict[int, int]]]:
    """Each reviewable application's heading and its total request to each of the call's
    funders (as ``funder_totals`` adds them up), in one row per application."""
    funders = [entry.id for entry in call.funders]
    statement = (
        select(
            Application.id,
            Application.reference,
            Application.title,
            *(
                # A sum of integers is a decimal in PostgreSQL; the amounts are whole minor units.
                cast(
                    func.coalesce(
                        func.sum(
                            case((BudgetLine.call_funder_id == funder, BudgetLine.amount_minor), else_=0)
                        ),
                        0,
                    ),
                    BigInteger,
                )
                for funder in funders
            ),
        )
        .outerjoin(BudgetLine, BudgetLine.application_id == Application.id)
        .where(Application.call_id == call.id, Application.state.in_(REVIEWABLE_STATES))
        .group_by(Application.id, Application.reference, Application.title)
    )
    # Through the connection: rows as the database gives them, without the ORM's work per row.
    rows = db.session.connection().execute(statement).all()
    return {row[0]: (Heading(*row[:3]), dict(zip(funders, row[3:], strict=True))) for row in rows}


def hidden_applications(viewer: Any, call: Call, application_ids: Collection[int]) -> set[int]:
    """Which of the call's reviewable ``application_ids`` the viewer may not see scores of: what
    ``can_see_scores`` says of each, worked out for the whole call at once (stored conflicts,
    conflicts detection finds with the team, reviews the viewer still owes)."""
    wanted = set(application_ids)
    if not can_manage_calls(viewer):
        return wanted
    stored = db.session.scalars(
        select(ConflictOfInterest.application_id)
        .join(Application, Application.id == ConflictOfInterest.application_id)
        .where(Application.call_id == call.id, ConflictOfInterest.reviewer_id == viewer.id)
    )
    owed = db.session.scalars(
        select(ReviewAssignment.application_id)
        .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
        .where(
            ReviewAssignment.call_id == call.id,
            ReviewAssignment.reviewer_id == viewer.id,
            ReviewAssignment.state.in_(ACTIVE_ASSIGNMENT_STATES),
            or_(Review.id.is_(None), Review.state != ReviewState.SUBMITTED),
        )
    )
    person = reviewer_person(viewer)
    teams = _suspect_teams(call, person)
    order = [app_id for app_id in teams if app_id in wanted]
    found = detect_conflicts([teams[app_id] for app_id in order], [person])
    return wanted & ({*stored, *owed} | {order[conflict.application] for conflict in found})


def _suspect_teams(call: Call, reviewer: ReviewerPerson) -> dict[int, list[Person]]:
    """The whole team (as ``team_people`` reads it) of each of the call's reviewable applications
    with someone on it whom detection might find in conflict with ``reviewer``, and no others.

    Reading every team of a large call to check one person costs more than the rest of the page,
    so the database picks the suspects first, by anything detection matches on: an ORCID iD; an
    institution whose name detection takes for the reviewer's; an address containing one of the
    reviewer's or their collaborators' addresses, or the reviewer's organisation's domain, in
    lower case. For addresses in ASCII that is a superset of detection's own matching, which folds
    case; the few addresses beyond ASCII, where the database's lower case and Python's case folding
    can disagree, are all suspects. Detection then decides on the suspects' whole teams."""
    people = [reviewer.person, *reviewer.collaborators]
    clues = []
    orcids = {p.orcid for p in people if p.orcid}
    if orcids:
        clues.append(User.orcid.in_(orcids))
    institutions = _same_institution(reviewer.person.institution)
    if institutions:
        clues.append(func.coalesce(TeamMember.institution_id, User.institution_id).in_(institutions))
    found = {p.email.casefold() for p in people if p.email} | {organisation_domain(reviewer.person.email)}
    found.discard(None)
    # An address containing the domain needs no test of its own: whatever contains it does too.
    needles = {needle for needle in found if not any(other != needle and other in needle for other in found)}
    clues.extend(func.lower(TeamMember.email).contains(needle, autoescape=True) for needle in needles)
    if needles:
        clues.append(_beyond_ascii(TeamMember.email))
    suspects = (
        select(TeamMember.application_id)
        .join(Application, Application.id == TeamMember.application_id)
        .outerjoin(User, User.id == TeamMember.user_id)
        .where(
            Application.call_id == call.id,
            Application.state.in_(REVIEWABLE_STATES),
            or_(false(), *clues),
        )
    )
    on_team = aliased(Institution)
    of_account = aliased(Institution)
    rows = db.session.execute(
        select(TeamMember.application_id, TeamMember.email, User.orcid, on_team.name, of_account.name)
        .outerjoin(User, User.id == TeamMember.user_id)
        .outerjoin(on_team, on_team.id == TeamMember.institution_id)
        .outerjoin(of_account, of_account.id == User.institution_id)
        .where(TeamMember.application_id.in_(suspects))
    )
    teams: dict[int, list[Person]] = defaultdict(list)
    for app_id, email, orcid, institution, account_institution in rows:
        teams[app_id].append(member_person(email, orcid, institution, account_institution))
    return teams


def _same_institution(name: str | None) -> list[int]:
    """Every institution detection takes for ``name`` (their names differ at most in case and
    spacing). The list of institutions is short beside a call's teams."""
    if not name:
        return []
    key = institution_key(name)
    return [
        institution_id
        for institution_id, other in db.session.execute(select(Institution.id, Institution.name))
        if institution_key(other) == key
    ]


def _beyond_ascii(column: Any) -> Any:
    """Text with a character beyond ASCII (in UTF-8, one that takes more than a byte)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.octet_length(column) != func.char_length(column)
    return column.op("GLOB")("*[^\x01-\x7f]*")


def _envelopes(call: Call, placed: list[ApplicationScores]) -> list[EnvelopeUse]:
    uses = []
    for entry in call.funders:
        passed_at = next(
            (
                place
                for place, row in enumerate(placed, 1)
                if row.running.get(entry.id, 0) > entry.envelope_minor
            ),
            None,
        )
        requested = placed[-1].running.get(entry.id, 0) if placed else 0
        uses.append(EnvelopeUse(entry, requested, passed_at))
    return uses
