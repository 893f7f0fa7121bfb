"""The list pages of a large call: the ranking read a page at a time (the order, places, running
totals and envelopes still those of the whole call), which scores an officer may not see, worked
out for the whole call at once, one application's scores without the rest of the call, and the
call's application list past its last page."""

import re

import pytest
from sqlalchemy import select

from grants.applications.models import Application
from grants.calls.models import Call
from grants.demo.large_call import seed_large_call
from grants.extensions import db
from grants.reviews.models import Collaborator, ConflictOfInterest, ReviewAssignment
from grants.reviews.services import profiles
from grants.reviews.services.ranking import PER_PAGE, hidden_applications, ranking_page
from grants.reviews.services.scoring import application_scores, call_scores, ranking
from grants.reviews.states import AssignmentState, ConflictSource
from grants.security.predicates import can_see_scores

PLACE = re.compile(r"<tr[^>]*>\s*<td>(\d*)</td>\s*<td>(?:<a [^>]*>)?(LC-[0-9A-F]+-\d{5})")


@pytest.fixture
def large(client, factory, sign_in):
    """A call in review of 130 applications (some 120 of them under review), and a signed-in
    officer."""
    seeded = seed_large_call(130, decided=False, seed=3)
    db.session.commit()
    officer = factory.officer()
    sign_in(officer)
    return db.session.get(Call, seeded.call_id), officer


def places(client, url: str) -> list[tuple[str, str]]:
    """(place, reference) of each row of a ranking page, in the order shown."""
    response = client.get(url)
    assert response.status_code == 200, url
    return PLACE.findall(response.get_data(as_text=True))


def test_the_ranking_reads_a_page_at_a_time_in_the_order_of_the_whole_call(client, large):
    call, officer = large
    whole = ranking(call, officer).rows
    assert len(whole) > 2 * PER_PAGE
    base = f"/manage/calls/{call.id}/ranking"

    shown = [row for page in (1, 2, 3) for row in places(client, f"{base}?page={page}")]
    assert [reference for _, reference in shown] == [r.application.reference for r in whole]
    assert [place for place, _ in shown] == [str(n) for n in range(1, len(whole) + 1)]

    first = client.get(base).get_data(as_text=True)
    assert f"{len(whole)} applications ranked." in first
    assert "Page 1 of 3" in first
    assert f'href="{base}?page=2&amp;sort=calibrated&amp;direction=desc"' in first


def test_page_links_keep_the_sort_and_its_direction(client, large):
    call, officer = large
    base = f"/manage/calls/{call.id}/ranking"
    for sort, direction in (("reference", "asc"), ("mean", "asc"), ("title", "desc"), ("spread", "desc")):
        whole = ranking(call, officer, sort, direction == "asc").rows
        page = client.get(f"{base}?sort={sort}&direction={direction}").get_data(as_text=True)
        assert f'href="{base}?page=2&amp;sort={sort}&amp;direction={direction}"' in page
        second = places(client, f"{base}?page=2&sort={sort}&direction={direction}")
        assert [reference for _, reference in second] == [
            r.application.reference for r in whole[PER_PAGE : 2 * PER_PAGE]
        ], sort


def test_running_totals_and_envelopes_count_from_the_top_of_the_whole_call(large):
    call, officer = large
    whole = ranking(call, officer).rows
    for page in (1, 2, 3):
        shown = ranking_page(call, officer, page=page)
        expected = whole[(page - 1) * PER_PAGE : page * PER_PAGE]
        assert [(r.application.id, r.requested, r.running) for r in shown.rows] == [
            (r.application.id, r.requested, r.running) for r in expected
        ]
        assert [(r.calibrated, r.mean, r.spread, r.count) for r in shown.rows] == [
            (r.calibrated, r.mean, r.spread, r.count) for r in expected
        ]
    envelopes = ranking_page(call, officer, page=2).envelopes
    for use, entry in zip(envelopes, call.funders, strict=True):
        assert use.requested_minor == whole[-1].running[entry.id]
        over = [n for n, row in enumerate(whole, 1) if row.running[entry.id] > entry.envelope_minor]
        assert use.passed_at == (over[0] if over else None)


@pytest.mark.parametrize(
    ("asked", "shown"), [("999", 3), ("4", 3), ("0", 1), ("-2", 1), ("two", 1), ("", 1), ("2.5", 1)]
)
def test_a_page_past_the_end_or_not_a_number_answers_the_nearest_page(client, large, asked, shown):
    call, _officer = large
    response = client.get(f"/manage/calls/{call.id}/ranking?page={asked}")
    assert response.status_code == 200
    assert f"Page {shown} of 3" in response.get_data(as_text=True)


def test_a_call_with_nothing_to_rank_says_so(client, factory, sign_in):
    officer = factory.officer()
    call = factory.call(officer=officer)
    sign_in(officer)
    page = client.get(f"/manage/calls/{call.id}/ranking?page=3").get_data(as_text=True)
    assert "No submitted applications in this call." in page


def test_scores_an_officer_may_not_see_are_the_ones_can_see_scores_refuses(factory, db_session):
    """Each way an officer can be kept from an application's scores, found for the whole call
    at once exactly as ``can_see_scores`` finds it for one application."""
    shared = factory.institution(name="Shared Institute of Agriculture")
    officer = factory.officer(
        email="Officer@Cs.Soton.ac.uk", institution_id=shared.id, orcid="0000-0002-1825-0097"
    )
    call, apps = factory.call_in_review(9, officer=officer, reviews_required=1)
    members = [a.members[0] for a in apps]

    members[0].institution = factory.institution(name="  shared institute OF   agriculture ")
    members[1].email = "officer@cs.soton.AC.UK"  # the officer, in other letters
    members[2].email = "someone@biology.soton.ac.uk"  # the same organisation
    members[3].email = "someone@\u017foton.ac.uk"  # a long s: folds to the same organisation
    members[4].user.orcid = "0000-0001-5109-3700"
    members[8].email = "\u017fam.jones@gmail.com"  # folds to the collaborator's address
    profiles.update_profile(officer, keywords="soil", statement="", areas=[], max_reviews_per_call=3)
    db_session.add_all(
        [
            Collaborator(
                profile_id=officer.reviewer_profile.id, name="Co Author", orcid="0000-0001-5109-3700"
            ),
            Collaborator(
                profile_id=officer.reviewer_profile.id, name="Sam Jones", email="Sam.Jones@gmail.com"
            ),
            ConflictOfInterest(
                application_id=apps[5].id,
                reviewer_id=officer.id,
                source=ConflictSource.OFFICER,
                reason="Friend",
            ),
            ReviewAssignment(
                call_id=call.id,
                application_id=apps[6].id,
                reviewer_id=officer.id,
                state=AssignmentState.ACCEPTED,
            ),
        ]
    )
    members[7].institution = factory.institution(name="Another Institute")
    db_session.flush()
    db_session.expire_all()

    ids = [a.id for a in apps]
    refused = {a.id for a in apps if not can_see_scores(officer, a)}
    assert refused == {*ids[:7], ids[8]}
    assert hidden_applications(officer, call, ids) == refused
    assert hidden_applications(factory.researcher(), call, ids) == set(ids)


def test_the_call_page_past_its_last_page_shows_the_last(client, large):
    call, _officer = large
    last = client.get(f"/manage/calls/{call.id}?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in last
    past = client.get(f"/manage/calls/{call.id}?page=999").get_data(as_text=True)
    assert "Page 3 of 3" in past and "No applications submitted yet." not in past
    assert re.findall(r"LC-[0-9A-F]+-\d{5}", past) == re.findall(r"LC-[0-9A-F]+-\d{5}", last)


def test_one_applications_scores_are_its_row_of_the_whole_calls(large):
    """The page of one application's reviews calibrates against the whole call without loading
    the call's other applications."""
    call, _officer = large
    whole = call_scores(call)
    for application_id in list(whole)[:5]:
        row = application_scores(call, db.session.get(Application, application_id))
        expected = whole[application_id]
        assert (row.application.id, sorted(row.scores), row.calibrated, row.required) == (
            application_id,
            sorted(expected.scores),
            expected.calibrated,
            expected.required,
        )
    draft = db.session.scalar(
        select(Application).where(Application.call_id == call.id, Application.state == "draft")
    )
    assert application_scores(call, draft) is None
