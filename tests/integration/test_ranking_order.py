"""The ranking page's order, places, figures and running totals, worked out on columns of the
whole call, are those of the straightforward ranking (``scoring.ranking``: every application
loaded, ``can_see_scores`` asked of each, ``funder_totals`` added up, ``place_rows``), under every
sort in both directions, for a call with ties, applications without reviews, a withdrawn
application's reviews and scores the officer may not see."""

import pytest
from sqlalchemy import select, update

from grants.applications.models import Application
from grants.applications.states import ApplicationState
from grants.calls.models import Call
from grants.demo.large_call import seed_large_call
from grants.extensions import db
from grants.reviews.models import ConflictOfInterest, Review, ReviewAssignment
from grants.reviews.services.pool import REVIEWABLE_STATES
from grants.reviews.services.ranking import ranking_page
from grants.reviews.services.scoring import SORT_KEYS, ranking
from grants.reviews.states import AssignmentState, ConflictSource, ReviewState


@pytest.fixture
def ranked(factory):
    """A call in review of 300 applications, reshaped to test the order's edges, and an officer
    kept from some of its scores."""
    seeded = seed_large_call(300, decided=False, seed=11)
    call = db.session.get(Call, seeded.call_id)
    applications = list(
        db.session.scalars(
            select(Application)
            .where(Application.call_id == call.id, Application.state == ApplicationState.UNDER_REVIEW)
            .order_by(Application.id)
        )
    )
    reviews = {
        application.id: list(
            db.session.scalars(
                select(Review)
                .join(ReviewAssignment, ReviewAssignment.id == Review.assignment_id)
                .where(
                    ReviewAssignment.application_id == application.id,
                    ReviewAssignment.state == AssignmentState.ACCEPTED,
                    Review.state == ReviewState.SUBMITTED,
                )
            )
        )
        for application in applications[:40]
    }
    # Equal means, spreads and counts: ties fall back to the reference.
    for application in applications[:12]:
        for review, score in zip(reviews[application.id], (6.25, 7.5, 8.125), strict=False):
            review.overall_score = score
    # Equal titles in other letters: ties in the title's order too.
    for application in applications[12:18]:
        application.title = "Soil Carbon" if application.id % 2 else "SOIL carbon"
    # No counted reviews: a reviewer taken off, a review sent back to draft.
    for application in applications[18:22]:
        for review in reviews[application.id]:
            review.assignment.state = AssignmentState.CANCELLED
    for review in reviews[applications[22].id]:
        review.state = ReviewState.DRAFT
    # A withdrawn application's reviews are no longer calibrated with the rest.
    applications[23].state = ApplicationState.WITHDRAWN

    # Same institution as a lead on some of the call's applications.
    officer = factory.officer(institution_id=applications[30].members[0].institution_id)
    db.session.add(
        ConflictOfInterest(
            application_id=applications[31].id,
            reviewer_id=officer.id,
            source=ConflictSource.OFFICER,
            reason="Friend",
        )
    )
    first_review = reviews[applications[32].id][0]
    first_review.state = ReviewState.DRAFT
    first_review.assignment.reviewer_id = officer.id
    db.session.flush()
    db.session.expire_all()
    return db.session.get(Call, call.id), officer


def whole_call(call, viewer, sort, ascending, per_page):
    """Every page of the ranking page, one after another, and the first page's envelopes."""
    first = ranking_page(call, viewer, sort, ascending, page=1, per_page=per_page)
    rows = [
        row
        for page in range(1, first.pages + 1)
        for row in ranking_page(call, viewer, sort, ascending, page=page, per_page=per_page).rows
    ]
    return first, rows


def figures(row):
    return (
        row.application.id,
        row.application.display_reference,
        row.application.title,
        row.scores,
        row.calibrated,
        row.mean,
        row.spread,
        row.count,
        row.required,
        row.requested,
        row.running,
        row.hidden,
    )


@pytest.mark.parametrize("sort", sorted(SORT_KEYS))
@pytest.mark.parametrize("ascending", [True, False])
def test_every_sort_ranks_as_the_straightforward_ranking_does(ranked, sort, ascending):
    call, officer = ranked
    expected = ranking(call, officer, sort, ascending).rows
    assert 10 < sum(row.hidden for row in expected) < len(expected) / 2
    first, rows = whole_call(call, officer, sort, ascending, per_page=50)
    assert first.total == len(expected) and first.pages == -(-len(expected) // 50)
    assert [figures(row) for row in rows] == [figures(row) for row in expected]
    for use, entry in zip(first.envelopes, call.funders, strict=True):
        over = [n for n, row in enumerate(expected, 1) if row.running[entry.id] > entry.envelope_minor]
        assert (use.call_funder, use.requested_minor, use.passed_at) == (
            entry,
            expected[-1].running[entry.id],
            over[0] if over else None,
        )


def test_pages_of_any_length_cut_the_same_order(ranked):
    call, officer = ranked
    expected = [figures(row) for row in ranking(call, officer, "mean", False).rows]
    for per_page in (1, 7, len(expected), len(expected) + 5):
        _first, rows = whole_call(call, officer, "mean", False, per_page)
        assert [figures(row) for row in rows] == expected, per_page


def test_an_envelope_passed_is_passed_at_the_first_place_over_it(ranked):
    call, officer = ranked
    expected = ranking(call, officer).rows
    entry = call.funders[0]
    entry.envelope_minor = expected[99].running[entry.id]
    db.session.flush()
    use = ranking_page(call, officer, page=3).envelopes[0]
    assert use.passed_at == 101


def test_a_viewer_who_may_see_no_scores_gets_every_row_hidden_by_reference(ranked, factory):
    call, _officer = ranked
    researcher = factory.user()
    expected = ranking(call, researcher).rows
    assert all(row.hidden for row in expected)
    _first, rows = whole_call(call, researcher, "calibrated", False, per_page=50)
    assert [figures(row) for row in rows] == [figures(row) for row in expected]


def test_a_call_whose_reviewed_applications_were_all_withdrawn_ranks_nothing(ranked):
    call, officer = ranked
    db.session.execute(
        update(Application)
        .where(Application.call_id == call.id, Application.state.in_(REVIEWABLE_STATES))
        .values(state=ApplicationState.WITHDRAWN)
    )
    assert ranking(call, officer).rows == []
    page = ranking_page(call, officer, page=2)
    assert (page.rows, page.total, page.page, page.pages) == ([], 0, 1, 1)
    assert [(use.requested_minor, use.passed_at) for use in page.envelopes] == [(0, None)] * len(call.funders)
