"""Reviewing over HTTP: invitations, the review form, blind calls, conflicts and officers' pages."""

import pytest

from grants.accounts.models import UserRole
from grants.demo.applications import ProposalText
from grants.errors import PermissionDenied
from grants.reviews.services import invitations, profiles
from grants.reviews.services.conflicts import set_officer_conflict
from grants.reviews.services.listing import pool_overview
from grants.reviews.services.reviewing import ReviewInput, save_review
from grants.reviews.services.scoring import call_scores
from grants.timeutil import utcnow
from tests.integration.conftest import post_form


@pytest.fixture
def routed(factory, db_session):
    """A closed call with one proposal, its officer, and an invited reviewer."""
    officer = factory.officer()
    call, (application,) = factory.call_in_review(
        1,
        officer=officer,
        reviews_required=1,
        texts=[ProposalText(title="Resilient rice", abstract="Heat waves cut yields.")],
    )
    reviewer = factory.reviewer(name="Rhea Viewer")
    assignment = invitations.invite(officer, application, reviewer, utcnow())
    db_session.flush()
    return officer, call, application, reviewer, assignment


def download_status(client, url):
    with client.get(url) as response:
        return response.status_code


def review_data(call, **overrides):
    data = {f"score_{c.id}": str(c.scale_max) for c in call.criteria}
    data.update(
        recommendation="fund",
        comments_for_applicant=" ".join(["A clear and well argued plan for joint field trials."] * 3),
        comments_for_panel="Strong team.",
        no_conflict_declared="y",
        action="submit",
    )
    data.update(overrides)
    return data


def test_a_reviewer_accepts_saves_a_draft_and_submits_which_locks_the_review(
    client, sign_in, routed, factory
):
    _officer, call, _application, reviewer, assignment = routed
    sign_in(reviewer)
    page = client.get("/reviews").get_data(as_text=True)
    assert "Resilient rice" in page and "Respond" in page
    assert client.get(f"/reviews/{assignment.id}").status_code == 403  # not accepted yet

    response = post_form(client, f"/reviews/{assignment.id}/accept")
    assert response.status_code == 303
    form = client.get(f"/reviews/{assignment.id}").get_data(as_text=True)
    assert "Heat waves cut yields." in form and "Excellence" in form

    criterion = call.criteria[0]
    draft = post_form(client, f"/reviews/{assignment.id}", {f"score_{criterion.id}": "2", "action": "save"})
    assert draft.status_code == 303
    assert assignment.review.state == "draft" and assignment.review.score_for(criterion.id) == 2

    missing = post_form(client, f"/reviews/{assignment.id}", review_data(call, no_conflict_declared=""))
    assert missing.status_code == 422
    assert "Declare that you have no conflict of interest" in missing.get_data(as_text=True)
    assert assignment.review.state == "draft"

    too_high = post_form(
        client, f"/reviews/{assignment.id}", review_data(call, **{f"score_{criterion.id}": "9"})
    )
    assert too_high.status_code == 422

    submitted = post_form(client, f"/reviews/{assignment.id}", review_data(call))
    assert submitted.status_code == 303
    assert assignment.review.state == "submitted"
    assert assignment.review.overall_score == criterion.scale_max

    again = post_form(client, f"/reviews/{assignment.id}", review_data(call, comments_for_panel="Changed"))
    assert again.status_code == 409
    assert assignment.review.comments_for_panel == "Strong team."


def test_an_officer_unlocks_a_submitted_review_with_a_reason_and_the_reviewer_is_told(
    app, client, sign_in, routed, factory
):
    officer, call, application, reviewer, assignment = routed
    sign_in(reviewer)
    post_form(client, f"/reviews/{assignment.id}/accept")
    post_form(client, f"/reviews/{assignment.id}", review_data(call))
    officer_client = app.test_client()
    sign_in(officer, http_client=officer_client)
    page = officer_client.get(f"/manage/applications/{application.id}/reviews").get_data(as_text=True)
    assert "Rhea Viewer" in page and "Strong team." in page

    refused = post_form(officer_client, f"/manage/reviews/{assignment.review.id}/unlock", {"reason": ""})
    assert refused.status_code == 303 and assignment.review.state == "submitted"
    post_form(
        officer_client, f"/manage/reviews/{assignment.review.id}/unlock", {"reason": "Score impact again."}
    )
    assert assignment.review.state == "draft"
    (email,) = factory.outbox("review_unlocked", recipient=reviewer.email)
    assert email.context["reason"] == "Score impact again."


def test_declining_needs_a_reason_and_shows_the_officer_a_replacement(app, client, sign_in, routed, factory):
    officer, call, application, reviewer, assignment = routed
    spare = factory.reviewer(name="Spare Reviewer")
    sign_in(reviewer)
    assert post_form(client, f"/reviews/{assignment.id}/decline", {"reason": ""}).status_code == 422
    assert post_form(client, f"/reviews/{assignment.id}/decline", {"reason": "On leave"}).status_code == 303
    assert assignment.state == "declined"

    officer_client = app.test_client()
    sign_in(officer, http_client=officer_client)
    page = officer_client.get(f"/manage/calls/{call.id}/reviews").get_data(as_text=True)
    assert "On leave" in page and "Suggested replacement" in page and "Spare Reviewer" in page
    post_form(officer_client, f"/manage/assignments/{assignment.id}/replace")
    assert {a.reviewer_id for a in application.review_assignments if a.state == "invited"} == {spare.id}


def test_a_conflicted_reviewer_sees_neither_the_proposal_nor_its_files(client, sign_in, routed, db_session):
    _officer, _call, application, reviewer, assignment = routed
    sign_in(reviewer)
    post_form(client, f"/reviews/{assignment.id}/accept")
    case = next(a for a in application.attachments if a.kind == "case_for_support")
    assert client.get(f"/reviews/{assignment.id}").status_code == 200
    assert download_status(client, f"/attachments/{case.id}") == 200

    # The reviewer later declares the lead as a collaborator: detection applies at once.
    lead = application.lead_applicant
    profiles.add_collaborator(reviewer, name=lead.full_name, email=lead.email, orcid="")
    db_session.commit()
    assert client.get(f"/reviews/{assignment.id}").status_code == 403
    assert client.get(f"/reviews/{assignment.id}/invitation").status_code == 403
    assert download_status(client, f"/attachments/{case.id}") == 403


def test_an_officer_s_conflict_takes_the_reviewer_off_at_once(app, client, sign_in, routed, factory):
    officer, call, application, reviewer, assignment = routed
    set_officer_conflict(officer, application, reviewer, "Same research centre board.", utcnow())
    officer_client = app.test_client()
    sign_in(officer, http_client=officer_client)
    routing = officer_client.get(f"/manage/calls/{call.id}/reviews").get_data(as_text=True)
    assert "Same research centre board." in routing and "Set by an officer" in routing
    sign_in(reviewer)
    assert assignment.state == "cancelled"
    assert client.get(f"/reviews/{assignment.id}/invitation").status_code == 403
    assert "Resilient rice" not in client.get(f"/calls/{call.id}/bids").get_data(as_text=True)


def test_a_double_blind_call_hides_the_team_from_reviewers(client, sign_in, factory):
    application, reviewer, assignment = accepted_in_blind_call(factory)
    sign_in(reviewer)

    page = client.get(f"/reviews/{assignment.id}").get_data(as_text=True)
    for member in application.members:
        assert member.full_name not in page
        assert member.email not in page
        assert member.institution.name not in page
    assert "Double-blind review" in page
    cv = next(a for a in application.attachments if a.kind == "cv")
    case = next(a for a in application.attachments if a.kind == "case_for_support")
    assert download_status(client, f"/attachments/{cv.id}") == 403
    assert download_status(client, f"/attachments/{case.id}") == 200


def test_the_officer_runs_previews_edits_and_confirms_an_assignment_over_http(client, sign_in, factory):
    officer = factory.officer()
    call, apps = factory.call_in_review(2, officer=officer, reviews_required=1)
    first, _second = factory.reviewer(name="Ada First"), factory.reviewer(name="Bo Second")
    sign_in(officer)
    response = post_form(client, f"/manage/calls/{call.id}/reviews/propose", {"fairness": "y"})
    assert response.status_code == 303
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Proven optimal" in page and "Ada First" in page and "Bo Second" in page

    bad = post_form(client, preview_url + "/pairs", {"application_id": "0", "reviewer_id": str(first.id)})
    assert bad.status_code == 422
    full = post_form(
        client, preview_url + "/pairs", {"application_id": str(apps[0].id), "reviewer_id": str(first.id)}
    )
    assert full.status_code in (422, 409)

    confirmed = post_form(client, preview_url + "/confirm")
    assert confirmed.status_code == 303 and confirmed.headers["Location"].endswith(
        f"/manage/calls/{call.id}/reviews"
    )
    assert len(factory.outbox("review_invitation")) == 2
    assert post_form(client, preview_url + "/confirm").status_code == 303  # refused with a message
    assert len(factory.outbox("review_invitation")) == 2


def test_the_ranking_orders_by_calibrated_score_and_keeps_running_totals(client, sign_in, factory):
    officer = factory.officer()
    call, (low, high) = factory.call_in_review(2, officer=officer, reviews_required=1)
    reviewer = factory.reviewer()
    criterion = call.criteria[0]
    for application, score in ((low, 2), (high, 5)):
        assignment = invitations.invite(officer, application, reviewer, utcnow())
        invitations.accept_invitation(reviewer, assignment, utcnow())
        save_review(
            reviewer,
            assignment,
            ReviewInput(
                scores={criterion.id: score},
                recommendation="fund",
                comments_for_applicant=" ".join(["Solid work."] * 20),
                no_conflict_declared=True,
            ),
            utcnow(),
            submit=True,
        )
    sign_in(officer)
    page = client.get(f"/manage/calls/{call.id}/ranking").get_data(as_text=True)
    assert page.index(high.display_reference) < page.index(low.display_reference)
    assert "£100,000.00" in page  # two requests of 50,000 add up in the running total
    ascending = client.get(f"/manage/calls/{call.id}/ranking?sort=calibrated&direction=asc").get_data(
        as_text=True
    )
    assert ascending.index(low.display_reference) < ascending.index(high.display_reference)


def test_pages_refuse_the_wrong_people(client, sign_in, routed, factory):
    _officer, call, _application, _reviewer, assignment = routed
    sign_in(factory.researcher())
    assert client.get("/reviews").status_code == 403
    assert client.get(f"/reviews/{assignment.id}/invitation").status_code == 403
    assert client.get(f"/manage/calls/{call.id}/reviews").status_code == 403
    assert client.get(f"/manage/calls/{call.id}/ranking").status_code == 403
    other_reviewer = factory.reviewer()
    sign_in(other_reviewer)
    assert client.get(f"/reviews/{assignment.id}/invitation").status_code == 403
    assert post_form(client, f"/reviews/{assignment.id}/accept").status_code == 403
    assert client.get(f"/manage/calls/{call.id}/reviews").status_code == 403


def test_the_reviewer_profile_validates_and_saves(client, sign_in, factory):
    factory.call()  # its priority areas are the subject areas to choose from
    reviewer = factory.reviewer()
    sign_in(reviewer)
    assert client.get("/reviewer/profile").status_code == 200
    bad = post_form(client, "/reviewer/profile", {"keywords": "", "max_reviews_per_call": "4"})
    assert bad.status_code == 422
    ok = post_form(
        client,
        "/reviewer/profile",
        {
            "keywords": "soil, wheat; rice",
            "statement": "Soils.",
            "areas": ["Food safety"],
            "max_reviews_per_call": "4",
        },
    )
    assert ok.status_code == 303
    unknown = post_form(client, "/reviewer/profile", {"keywords": "soil", "areas": ["Astrology"]})
    assert unknown.status_code == 422
    assert reviewer.reviewer_profile.keywords == "soil, wheat, rice"
    assert reviewer.reviewer_profile.area_names == ["Food safety"]
    bad_orcid = post_form(client, "/reviewer/collaborators", {"name": "Ann", "orcid": "1234"})
    assert bad_orcid.status_code == 422
    assert "not a valid ORCID iD" in bad_orcid.get_data(as_text=True)
    period = post_form(client, "/reviewer/unavailable", {"starts_on": "2030-05-10", "ends_on": "2030-05-01"})
    assert period.status_code == 422


def test_a_proposal_with_nothing_to_propose_says_so(client, sign_in, factory):
    officer = factory.officer()
    call, _ = factory.call_in_review(1, officer=officer, reviews_required=1)
    sign_in(officer)
    response = post_form(client, f"/manage/calls/{call.id}/reviews/propose", {"fairness": "y"})
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "only 0 eligible reviewers for 1 places" in text
    assert "Confirm and send" in text


def test_an_officer_with_a_conflict_cannot_see_or_route_that_application(client, sign_in, factory):
    colleague_institution = factory.institution(name="Shared Institute")
    conflicted_officer = factory.officer(institution_id=colleague_institution.id)
    call, (mine, other) = factory.call_in_review(2, officer=factory.officer(), reviews_required=1)
    mine.members[0].institution = colleague_institution
    reviewer = factory.reviewer()
    sign_in(conflicted_officer)

    assert client.get(f"/applications/{mine.id}").status_code == 403
    assert client.get(f"/applications/{other.id}").status_code == 200
    assert client.get(f"/manage/applications/{mine.id}/reviews").status_code == 403
    routing = client.get(f"/manage/calls/{call.id}/reviews").get_data(as_text=True)
    assert "You have a conflict of interest with this application" in routing
    with pytest.raises(PermissionDenied, match="another officer"):
        invitations.invite(conflicted_officer, mine, reviewer, utcnow())


def test_a_review_stops_counting_when_its_reviewer_turns_out_to_be_conflicted(factory):
    officer = factory.officer()
    call, (application,) = factory.call_in_review(1, officer=officer, reviews_required=2)
    kind, harsh = factory.reviewer(), factory.reviewer()
    for reviewer, score in ((kind, 5), (harsh, 1)):
        submit_review(officer, application, reviewer, score)
    assert sorted(call_scores(call)[application.id].scores) == [1.0, 5.0]

    set_officer_conflict(officer, application, harsh, "Undisclosed co-author.", utcnow())

    assert call_scores(call)[application.id].scores == [5.0]


def test_an_officer_who_also_reviews_reads_the_other_reviews_only_after_submitting(client, sign_in, factory):
    officer = factory.officer()
    _call, (application,) = factory.call_in_review(1, officer=officer, reviews_required=2)
    submit_review(officer, application, factory.reviewer(), 4)
    both = factory.reviewer(two_factor=True)  # officers must use it
    both.role_rows.append(UserRole(role="officer"))
    assignment = invitations.invite(officer, application, both, utcnow())
    invitations.accept_invitation(both, assignment, utcnow())
    sign_in(both)
    assert client.get(f"/manage/applications/{application.id}/reviews").status_code == 403
    submit_review(officer, application, both, 3, assignment=assignment)
    assert client.get(f"/manage/applications/{application.id}/reviews").status_code == 200


def test_reviewers_of_a_double_blind_call_download_files_under_neutral_names(client, sign_in, factory):
    application, reviewer, _assignment = accepted_in_blind_call(factory)
    sign_in(reviewer)
    case = next(a for a in application.attachments if a.kind == "case_for_support")
    with client.get(f"/attachments/{case.id}") as response:
        assert response.status_code == 200
        disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename={application.reference}-case-for-support.pdf"
    assert case.original_name not in disposition


def accepted_in_blind_call(factory):
    """A double-blind call's one proposal, and a reviewer who accepted to review it."""
    officer = factory.officer()
    _call, (application,) = factory.call_in_review(1, officer=officer, reviews_required=1, double_blind=True)
    reviewer = factory.reviewer()
    assignment = invitations.invite(officer, application, reviewer, utcnow())
    invitations.accept_invitation(reviewer, assignment, utcnow())
    return application, reviewer, assignment


def submit_review(officer, application, reviewer, score, assignment=None):
    if assignment is None:
        assignment = invitations.invite(officer, application, reviewer, utcnow())
        invitations.accept_invitation(reviewer, assignment, utcnow())
    save_review(
        reviewer,
        assignment,
        ReviewInput(
            scores={c.id: score for c in application.call.criteria},
            recommendation="fund",
            comments_for_applicant=" ".join(["Sound and well argued."] * 10),
            no_conflict_declared=True,
        ),
        utcnow(),
        submit=True,
    )
    return assignment


def test_the_pool_shows_each_reviewer_s_load_and_how_their_scores_compare(client, sign_in, factory):
    officer = factory.officer()
    call, apps = factory.call_in_review(3, officer=officer, reviews_required=2)
    harsh, fair = factory.reviewer(name="Hal Harsh"), factory.reviewer(name="Fay Fair")
    idle = factory.reviewer(name="Ida Idle")
    profiles.add_unavailable_period(
        idle, starts_on=utcnow().date(), ends_on=utcnow().date(), note="", today=utcnow().date()
    )
    for application, merit in zip(apps, (5, 4, 3), strict=True):
        submit_review(officer, application, fair, merit)
        submit_review(officer, application, harsh, merit - 2)

    pool = {member.reviewer.full_name: member for member in pool_overview(call, utcnow())}

    assert pool["Hal Harsh"].bias < 0 < pool["Fay Fair"].bias
    assert (pool["Hal Harsh"].held, pool["Hal Harsh"].submitted, pool["Hal Harsh"].limit) == (3, 3, 6)
    assert pool["Ida Idle"].away.startswith("unavailable") and pool["Ida Idle"].spare == 0
    sign_in(officer)
    page = client.get(f"/manage/calls/{call.id}/reviews").get_data(as_text=True)
    assert "Reviewer pool" in page and "harsh" in page and "generous" in page


def test_an_officer_records_a_conflict_only_between_this_call_s_applications_and_the_pool(
    client, sign_in, routed, factory
):
    officer, call, application, reviewer, assignment = routed
    _other_call, (elsewhere,) = factory.call_in_review(1, officer=officer)
    sign_in(officer)
    url = f"/manage/calls/{call.id}/conflicts"
    outside = post_form(
        client, url, {"application_id": elsewhere.id, "reviewer_id": reviewer.id, "reason": "x"}
    )
    assert outside.status_code == 422
    missing = post_form(client, url, {"application_id": application.id, "reviewer_id": 0, "reason": "x"})
    assert missing.status_code == 422 and "Choose a reviewer." in missing.get_data(as_text=True)
    recorded = post_form(
        client, url, {"application_id": application.id, "reviewer_id": reviewer.id, "reason": "Board member."}
    )
    assert recorded.status_code == 303
    assert assignment.state == "cancelled"
