"""The reviews export: one row per invitation in a call that is not declined or cancelled, with
the review's scores once it is submitted (officers' pages show a draft's status, not its content).
Reviewers appear as "Reviewer N" unless the export names them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import ScalarSelect, select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.calls.models import Call
from grants.extensions import db
from grants.insights.exports.base import (
    Export,
    Release,
    Row,
    application_reference,
    as_of_now,
    chunked_rows,
    id_chunks,
    local,
)
from grants.insights.exports.reviewers import (
    ReviewerIdentity,
    pseudonym,
    reviewer_identities,
    reviewer_numbers,
)
from grants.reviews.models import CriterionScore, Review, ReviewAssignment
from grants.reviews.states import ACTIVE_ASSIGNMENT_STATES, AssignmentState, Recommendation, ReviewState
from grants.security.visibility import Hidden, hidden_for

NOT_STARTED = "Not started"


@dataclass(frozen=True)
class _Context:
    # The invitations that existed when the export started (see ``as_of_now``).
    assignments: ScalarSelect[int]
    hidden: Hidden
    numbers: dict[int, int]
    people: dict[int, ReviewerIdentity] | None
    criteria: list[int]
    zone: ZoneInfo


def reviews_export(
    officer: User, call: Call, *, identities: bool = False, release: Release | None = None
) -> Export:
    """``identities`` adds the reviewers' names, emails and institutions; the caller checks that
    the officer may see them (``record_identities_export``)."""
    criteria = list(call.criteria)
    headers = [
        "Application reference",
        "Application title",
        "Reviewer",
        *(["Reviewer email", "Reviewer institution"] if identities else []),
        "Invitation",
        "Review status",
        f"Submitted at ({call.time_zone})",
        "Recommendation",
        *(criterion.name for criterion in criteria),
        "Overall score",
        "Comments for the applicant",
        "Comments for the panel",
    ]
    ids = as_of_now(select(Application.id).where(Application.call_id == call.id), Application.id)
    assignments = as_of_now(
        select(ReviewAssignment.id).where(ReviewAssignment.call_id == call.id), ReviewAssignment.id
    )
    context = _Context(
        assignments=assignments.scalar_subquery(),
        hidden=hidden_for(officer, ids),
        numbers=reviewer_numbers(call.id),
        people=reviewer_identities(call.id) if identities else None,
        criteria=[criterion.id for criterion in criteria],
        zone=call.zone,
    )
    # Chunks of applications, so that each application's invitations come together.
    rows = chunked_rows(id_chunks(ids, Application.id), lambda chunk: _rows(chunk, context), release)
    return Export("reviews", "Reviews", headers, rows)


def _rows(application_ids: list[int], context: _Context) -> list[Row]:
    """The invitations on a chunk of applications, by application and then by reviewer number."""
    visible = [app_id for app_id in application_ids if not context.hidden.hides_reviews(app_id)]
    if not visible:
        return []
    found = db.session.execute(
        select(
            Application.id,
            Application.reference,
            Application.title,
            ReviewAssignment.reviewer_id,
            ReviewAssignment.state,
            Review.id,
            Review.state,
            Review.submitted_at,
            Review.recommendation,
            Review.overall_score,
            Review.comments_for_applicant,
            Review.comments_for_panel,
        )
        .join(Application, Application.id == ReviewAssignment.application_id)
        .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
        .where(
            ReviewAssignment.application_id.in_(visible),
            ReviewAssignment.id.in_(context.assignments),
            ReviewAssignment.state.in_(ACTIVE_ASSIGNMENT_STATES),
        )
        .order_by(ReviewAssignment.application_id, ReviewAssignment.reviewer_id)
    ).all()
    scores = _scores(visible)
    rows = []
    for (
        app_id,
        reference,
        title,
        reviewer_id,
        invitation,
        review_id,
        review_state,
        submitted_at,
        recommendation,
        overall,
        for_applicant,
        for_panel,
    ) in found:
        submitted = review_state == ReviewState.SUBMITTED
        given = scores.get(review_id, {}) if submitted else {}
        rows.append(
            (
                application_reference(reference, app_id),
                title,
                *_reviewer(reviewer_id, context),
                str(AssignmentState(invitation).label),
                str(ReviewState(review_state).label) if review_state else NOT_STARTED,
                local(submitted_at, context.zone) if submitted else None,
                str(Recommendation(recommendation).label) if submitted and recommendation else None,
                *(given.get(criterion_id) for criterion_id in context.criteria),
                round(overall, 3) if submitted and overall is not None else None,
                for_applicant if submitted else None,
                for_panel if submitted else None,
            )
        )
    return rows


def _scores(application_ids: list[int]) -> dict[int, dict[int, int]]:
    """Review id -> criterion id -> score, for the submitted reviews on these applications."""
    given: dict[int, dict[int, int]] = defaultdict(dict)
    for review_id, criterion_id, score in db.session.execute(
        select(CriterionScore.review_id, CriterionScore.criterion_id, CriterionScore.score)
        .join(Review, Review.id == CriterionScore.review_id)
        .join(ReviewAssignment, ReviewAssignment.id == Review.assignment_id)
        .where(
            ReviewAssignment.application_id.in_(application_ids),
            ReviewAssignment.state.in_(ACTIVE_ASSIGNMENT_STATES),
            Review.state == ReviewState.SUBMITTED,
        )
    ):
        given[review_id][criterion_id] = score
    return given


def _reviewer(reviewer_id: int, context: _Context) -> tuple[str | None, ...]:
    if context.people is None:
        return (pseudonym(context.numbers[reviewer_id]),)
    person = context.people[reviewer_id]
    return person.name, person.email, person.institution
