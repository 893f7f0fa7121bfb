"""The ranking page: a whole call in the panel's order, read one page at a time.

A call of thousands cannot be ranked by loading every application with its team, budget and
reviews. The order is worked out from plain rows instead (each application's heading, its
submitted scores, its request to each funder, and whether the viewer may see its scores), then
only the page being read is shown. Places and running totals still count from the top of the
whole call, and each funder's envelope is summed over the whole call too.

The order is what ``scoring.ranking`` gives (its rows sorted by ``sort_rows``, the hidden ones
last by reference, running totals down the list), worked out on columns of the whole call
(numpy arrays, one entry per application) rather than on an object per application: only the
page's fifty rows become ``ApplicationScores``. Each sort key is the very figure the rows
show (calibrated scores rounded as ``score_applications`` rounds them, means summed as
``ApplicationScores.mean`` sums them), so equal figures tie as they do there and fall back to
the reference, then the id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, case, cast, false, func, or_, select
from sqlalchemy.orm import aliased

from grants.accounts.models import Institution, User
from grants.applications.models import Application, BudgetLine, TeamMember
from grants.calls.models import Call, CallFunder
from grants.extensions import db
from grants.reviews.calibration import calibrate_columns
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
    sort_order,
    submitted_scores,
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


@dataclass(frozen=True)
class _CallColumns:
    """The call's reviewable applications as columns, one entry per application (its row), in
    no particular order, and their submitted reviews as columns, one entry per review."""

    ids: np.ndarray
    references: list[str | None]
    titles: list[str]
    funders: list[int]
    # Each application's total request to each funder: a row per application, a column per funder.
    requested: np.ndarray
    hidden: np.ndarray
    # The row of each review's application, and the review's overall score, in the order read.
    review_rows: np.ndarray
    review_scores: np.ndarray
    # Each row's calibrated merit before rounding; NaN for an application without reviews.
    merit: np.ndarray

    @property
    def size(self) -> int:
        return len(self.ids)

    def display_references(self) -> list[str]:
        return [
            reference or Heading(app_id, reference, "").display_reference
            for app_id, reference in zip(self.ids.tolist(), self.references, strict=True)
        ]

    def counts(self) -> np.ndarray:
        return np.bincount(self.review_rows, minlength=self.size)

    def score_lists(self, rows: Collection[int]) -> dict[int, list[float]]:
        """The scores of the applications in ``rows`` (by row), each in the order read."""
        lists: dict[int, list[float]] = {row: [] for row in rows}
        wanted = np.isin(self.review_rows, np.fromiter(lists, np.int64, len(lists)))
        found = zip(self.review_rows[wanted].tolist(), self.review_scores[wanted].tolist(), strict=True)
        for row, score in found:
            lists[row].append(score)
        return lists


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
    scale = display_scale(call)
    # Tens of thousands of small rows read from the database, all alive until the columns are
    # built: the cyclic collector's passes over them would find nothing.
    with collector_paused():
        columns = _call_columns(call, viewer)
    order = _order(columns, sort, ascending, scale)
    running = _running_totals(columns.requested[order])
    envelopes = _envelopes(call, running)
    result = RankingPage(call, [], sort, ascending, scale, 1, per_page, columns.size, envelopes)
    result.page = min(max(page, 1), result.pages)
    shown = slice(result.first_place - 1, result.first_place - 1 + per_page)
    result.rows = _rows(call, columns, order[shown], running[shown], scale)
    return result


def _call_columns(call: Call, viewer: Any) -> _CallColumns:
    """The call's reviewable applications and their submitted reviews, as columns; merits
    calibrated over those reviews alone, as ``score_applications`` calibrates them."""
    funders = [entry.id for entry in call.funders]
    ids, references, titles, requested = _headings(call, funders)
    by_id = np.argsort(ids)
    reviews = submitted_scores(call)
    review_apps, reviewers, scores = (
        (np.asarray(column) for column in zip(*reviews, strict=True))
        if reviews
        else (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    )
    # Only the reviews of reviewable applications count (a withdrawn one's do not).
    if len(ids):
        review_rows = by_id[np.minimum(np.searchsorted(ids, review_apps, sorter=by_id), len(ids) - 1)]
        kept = ids[review_rows] == review_apps
    else:
        review_rows = np.zeros(len(review_apps), np.int64)
        kept = np.zeros(len(review_apps), bool)
    review_apps, reviewers, scores, review_rows = (
        review_apps[kept],
        reviewers[kept],
        scores[kept].astype(np.float64),
        review_rows[kept],
    )
    solved = calibrate_columns(review_apps, reviewers, scores)
    merit = np.full(len(ids), np.nan)
    if len(solved.applications):
        merit[by_id[np.searchsorted(ids, solved.applications, sorter=by_id)]] = solved.merit
    hidden_ids = hidden_applications(viewer, call, ids.tolist())
    hidden = np.isin(ids, np.fromiter(hidden_ids, np.int64, len(hidden_ids)))
    return _CallColumns(ids, references, titles, funders, requested, hidden, review_rows, scores, merit)


def _headings(call: Call, funders: list[int]) -> tuple[np.ndarray, list[str | None], list[str], np.ndarray]:
    """Each reviewable application's id, reference and title, and its total request to each of
    the call's funders (as ``funder_totals`` adds them up), in one row per application."""
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
    if not rows:
        return np.zeros(0, np.int64), [], [], np.zeros((0, len(funders)), np.int64)
    ids, references, titles, *amounts = zip(*rows, strict=True)
    requested = np.array(amounts, dtype=np.int64).T.reshape(len(rows), len(funders))
    return np.array(ids, dtype=np.int64), list(references), list(titles), requested


def _order(columns: _CallColumns, sort: str, ascending: bool, scale: tuple[int, int]) -> np.ndarray:
    """The rows in ranking order, as ``place_rows`` places them: rows the viewer may see that
    have a value to sort by, in the chosen direction, ties by reference (and then by id, as
    ``ranking`` reads them); then those without one (no reviews yet), by reference; then the
    hidden rows, by reference."""
    references = _ranks(columns.display_references())
    value, valued = _sort_values(columns, sort, scale, references)
    sign = 1 if ascending else -1
    sorted_rows = np.flatnonzero(valued & ~columns.hidden)
    sorted_rows = sorted_rows[
        np.lexsort((columns.ids[sorted_rows], sign * references[sorted_rows], sign * value[sorted_rows]))
    ]
    by_reference = np.lexsort((columns.ids, references))
    unvalued = by_reference[~valued[by_reference] & ~columns.hidden[by_reference]]
    hidden = by_reference[columns.hidden[by_reference]]
    return np.concatenate((sorted_rows, unvalued, hidden))


def _sort_values(
    columns: _CallColumns, sort: str, scale: tuple[int, int], references: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's value under ``sort`` (as ``SORT_KEYS`` reads it off a row, or its rank among
    the call's for text), and whether it has one."""
    size = columns.size
    everyone = np.ones(size, bool)
    if sort == "reference":
        return references, everyone
    if sort == "title":
        return _ranks([title.casefold() for title in columns.titles]), everyone
    counts = columns.counts()
    if sort == "reviews":
        return counts, everyone
    if sort == "mean":
        # Summed as ``ApplicationScores.mean`` sums: the figure must be the same to the last bit.
        lists = columns.score_lists(range(size))
        means = [sum(scores) / len(scores) if scores else 0.0 for scores in lists.values()]
        return np.array(means, dtype=np.float64), counts > 0
    if sort == "spread":
        highest = np.full(size, -np.inf)
        lowest = np.full(size, np.inf)
        np.maximum.at(highest, columns.review_rows, columns.review_scores)
        np.minimum.at(lowest, columns.review_rows, columns.review_scores)
        valued = counts > 1
        return np.where(valued, highest - lowest, 0.0), valued
    valued = ~np.isnan(columns.merit)
    calibrated = np.zeros(size)
    calibrated[valued] = rounded(np.clip(columns.merit[valued], *scale))
    return calibrated, valued


def _calibrated(merit: float, scale: tuple[int, int]) -> float:
    """A merit as ``score_applications`` shows it: within the scale, to three places."""
    low, high = scale
    return round(min(max(merit, low), high), 3)


def rounded(values: np.ndarray) -> np.ndarray:
    """``round(value, 3)`` of each value, to the last bit, for thousands at once.

    Python rounds the exact binary value (half to even) and gives the float nearest the decimal
    it rounds to; ``k / 1000`` is that float. Scaling first (``value * 1000``) can round the
    product across a half, so values whose product lies near one (or is too large for the
    margin to cover its error) are rounded by Python itself."""
    scaled = values * 1000
    result = np.rint(scaled) / 1000
    near_half = (np.abs(scaled - np.floor(scaled) - 0.5) <= 1e-6) | ~(np.abs(scaled) < 2**30)
    if near_half.any():
        result[near_half] = [round(value, 3) for value in values[near_half].tolist()]
    return result


def _ranks(texts: Sequence[str]) -> np.ndarray:
    """Each text's rank among ``texts`` in Python's order (equal texts share one)."""
    order = sorted(range(len(texts)), key=texts.__getitem__)
    in_order = [texts[index] for index in order]
    steps = np.fromiter(map(str.__ne__, in_order[1:], in_order[:-1]), bool, max(len(texts) - 1, 0))
    ranks = np.empty(len(texts), np.int64)
    ranks[order] = np.concatenate(([0], np.cumsum(steps)))[: len(texts)]
    return ranks


def _running_totals(requested: np.ndarray) -> np.ndarray:
    """Each funder's running total down the rows. In whole integers: should the call's total
    not fit in 64 bits (it never has), as Python's integers."""
    if requested.size and max(int(requested.max()), -int(requested.min())) * len(requested) >= 2**63:
        requested = requested.astype(object)
    return np.cumsum(requested, axis=0)


def _rows(
    call: Call, columns: _CallColumns, rows: np.ndarray, running: np.ndarray, scale: tuple[int, int]
) -> list[ApplicationScores]:
    """The page's rows, as ``ranking`` makes them."""
    scores = columns.score_lists(rows.tolist())
    shown = []
    for row, totals in zip(rows.tolist(), running.tolist(), strict=True):
        merit = columns.merit[row]
        shown.append(
            ApplicationScores(
                Heading(int(columns.ids[row]), columns.references[row], columns.titles[row]),
                scores[row],
                None if np.isnan(merit) else _calibrated(float(merit), scale),
                required=call.reviews_required,
                requested=dict(zip(columns.funders, columns.requested[row].tolist(), strict=True)),
                hidden=bool(columns.hidden[row]),
                running=dict(zip(columns.funders, totals, strict=True)),
            )
        )
    return shown


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
    clues.extend(_ascii_lower(TeamMember.email).contains(needle, autoescape=True) for needle in needles)
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


def _ascii_lower(column: Any) -> Any:
    """The text with its ASCII letters in lower case: enough to find suspects, since an address
    beyond ASCII is a suspect anyway. SQLite's lower() does no more; PostgreSQL's consults the
    database's locale for every character (half the cost of the scan over a call's team
    members) unless the text is taken in the "C" collation."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.lower(column.collate("C"))
    return func.lower(column)


def _beyond_ascii(column: Any) -> Any:
    """Text with a character beyond ASCII (in UTF-8, one that takes more than a byte)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.octet_length(column) != func.char_length(column)
    return column.op("GLOB")("*[^\x01-\x7f]*")


def _envelopes(call: Call, running: np.ndarray) -> list[EnvelopeUse]:
    """Each funder's total request over the call, and the first place where the running total
    passes its envelope."""
    uses = []
    for column, entry in enumerate(call.funders):
        over = np.flatnonzero(running[:, column] > entry.envelope_minor)
        requested = int(running[-1, column]) if len(running) else 0
        uses.append(EnvelopeUse(entry, requested, int(over[0]) + 1 if len(over) else None))
    return uses
