"""Editing a draft together: who may, what limits hold on the server, and stale edits refused."""

import re
from datetime import timedelta

import pytest

from grants.applications.models import Application
from grants.applications.services.answers import save_answers
from grants.applications.services.drafts import DetailsInput, save_details
from grants.errors import Conflict, PermissionDenied
from grants.timeutil import utcnow
from tests.call_factories import long_text
from tests.integration.conftest import post_form


@pytest.fixture
def pair(app, factory, sign_in):
    """A draft with two joined members, each signed in with their own browser."""
    call = factory.call(questions=[long_text(word_limit=5)])
    application = factory.draft(call)
    partner = factory.researcher("CN", name="Wang Lei")
    factory.join(application, partner)
    lead_client, partner_client = app.test_client(), app.test_client()
    sign_in(application.lead_applicant, http_client=lead_client)
    sign_in(partner, http_client=partner_client)
    return application, lead_client, partner_client


def details_form(version, **changes):
    return {
        "version": version,
        "title": "Heat-tolerant wheat",
        "abstract": "",
        "priority_area": "",
        "keywords": "",
        "start_date": "",
        "duration_months": "",
        **changes,
    }


def test_two_members_editing_at_once_one_wins_and_the_other_is_told(pair, db_session):
    application, lead_client, partner_client = pair
    version = application.details_version  # both opened the page at this version
    assert (
        post_form(
            lead_client,
            f"/applications/{application.id}/details",
            details_form(version, abstract="The lead's words."),
        ).status_code
        == 303
    )
    late = post_form(
        partner_client,
        f"/applications/{application.id}/details",
        details_form(version, abstract="The partner's words."),
    )
    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert "changed this application at" in page and "reload the page" in page
    assert application.lead_applicant.full_name in page
    assert "The partner&#39;s words." in page  # their text is still in the form to copy
    assert db_session.get(Application, application.id).abstract == "The lead's words."


def test_someone_elses_draft_is_forbidden_by_url(app, factory, sign_in, pair):
    application = pair[0]
    stranger = app.test_client()
    sign_in(factory.researcher(), http_client=stranger)
    for page in (
        "",
        "/details",
        "/questions",
        "/team",
        "/budget",
        "/attachments",
        "/declarations",
        "/submit",
    ):
        assert stranger.get(f"/applications/{application.id}{page}").status_code == 403, page
    assert (
        post_form(
            stranger,
            f"/applications/{application.id}/details",
            details_form(application.details_version, abstract="Mine now"),
        ).status_code
        == 403
    )
    assert application.abstract == ""


def test_autosave_saves_and_returns_the_new_version(pair):
    application, lead_client, _ = pair
    before = application.details_version
    response = post_form(
        lead_client,
        f"/applications/{application.id}/autosave",
        {"section": "details", **details_form(before, abstract="Typed so far")},
    )
    assert response.status_code == 200
    assert response.json["saved"] is True and response.json["version"] == before + 1
    assert application.abstract == "Typed so far"


def test_autosave_from_a_stale_page_is_refused_with_409(pair):
    application, lead_client, partner_client = pair
    version = application.details_version
    post_form(
        lead_client,
        f"/applications/{application.id}/autosave",
        {"section": "details", **details_form(version, abstract="First")},
    )
    stale = post_form(
        partner_client,
        f"/applications/{application.id}/autosave",
        {"section": "details", **details_form(version, abstract="Second")},
    )
    assert stale.status_code == 409
    assert "changed this application" in stale.json["errors"]["form"][0]


def test_word_limits_hold_on_the_server(pair):
    application, lead_client, _ = pair
    question = application.question_set.questions[0]
    too_long = post_form(
        lead_client,
        f"/applications/{application.id}/questions",
        {"version": application.answers_version, f"q_{question.key}": "one two three four five six"},
    )
    assert too_long.status_code == 422
    assert "Keep this to 5 words; it has 6." in too_long.get_data(as_text=True)
    assert application.answers == []
    autosaved = post_form(
        lead_client,
        f"/applications/{application.id}/autosave",
        {"section": "questions", "version": application.answers_version, f"q_{question.key}": "一二三四五六"},
    )
    assert autosaved.status_code == 422
    assert (
        post_form(
            lead_client,
            f"/applications/{application.id}/questions",
            {"version": application.answers_version, f"q_{question.key}": "one two three"},
        ).status_code
        == 303
    )
    assert [answer.value for answer in application.answers] == ["one two three"]


def test_the_abstract_word_limit_holds_on_the_server(pair):
    application, lead_client, _ = pair
    response = post_form(
        lead_client,
        f"/applications/{application.id}/details",
        details_form(application.details_version, abstract="word " * 501),
    )
    assert response.status_code == 422
    assert "Keep the abstract to 500 words; it has 501." in response.get_data(as_text=True)


def test_values_outside_the_calls_rules_are_refused(pair):
    application, lead_client, _ = pair
    for changes, message in [
        ({"duration_months": "48"}, "This call funds projects of 12 to 36 months."),
        ({"priority_area": "Astrology"}, "Not a valid choice"),
        ({"start_date": utcnow().date().isoformat()}, "Projects start after the call closes"),
    ]:
        response = post_form(
            lead_client,
            f"/applications/{application.id}/details",
            details_form(application.details_version, **changes),
        )
        assert response.status_code == 422, changes
        assert message in response.get_data(as_text=True)


def test_a_draft_cannot_change_after_the_call_closes(factory, db_session):
    application = factory.draft(factory.call())
    application.call.closes_at = utcnow() - timedelta(minutes=1)
    db_session.flush()
    with pytest.raises(Conflict, match="drafts can no longer be changed"):
        save_details(
            application.lead_applicant,
            application,
            DetailsInput("New title", "", "", "", None, None),
            expected_version=application.details_version,
            now=utcnow(),
        )


def test_a_co_investigator_edits_but_cannot_manage_the_team(pair, factory):
    application, _, partner_client = pair
    response = post_form(
        partner_client,
        f"/applications/{application.id}/team",
        {
            "full_name": "Someone",
            "email": "someone@example.org",
            "role": "co_investigator",
            "country": "CN",
            "institution_id": factory.institution(country="CN").id,
        },
    )
    assert response.status_code == 403


def test_an_invitation_is_for_the_address_it_was_sent_to(app, factory, sign_in, pair):
    application, lead_client, _ = pair
    invitee = factory.researcher("GB", email="invitee@example.org")
    post_form(
        lead_client,
        f"/applications/{application.id}/team",
        {
            "full_name": "Invitee",
            "email": invitee.email,
            "role": "co_investigator",
            "country": "GB",
            "institution_id": invitee.institution_id,
        },
    )
    link = factory.link_in(factory.outbox("team_invitation", recipient=invitee.email)[0])
    someone_else = app.test_client()
    sign_in(factory.researcher(), http_client=someone_else)
    refused = post_form(someone_else, link)
    assert refused.status_code == 403
    assert "This invitation was sent to invitee@example.org" in refused.get_data(as_text=True)

    invited = app.test_client()
    sign_in(invitee, http_client=invited)
    assert post_form(invited, link).status_code == 303
    assert post_form(invited, link).status_code == 400  # used once only
    assert invited.get(f"/applications/{application.id}").status_code == 200


def test_the_lead_of_a_side_is_unique(pair, factory):
    application, lead_client, _ = pair
    response = post_form(
        lead_client,
        f"/applications/{application.id}/team",
        {
            "full_name": "Second Lead",
            "email": "second@example.org",
            "role": "lead",
            "country": "CN",
            "institution_id": factory.institution(country="CN").id,
        },
    )
    assert response.status_code == 409
    assert "That side already has a lead investigator." in response.get_data(as_text=True)


def test_services_refuse_people_outside_the_team(factory):
    application = factory.draft(factory.call())
    with pytest.raises(PermissionDenied):
        save_answers(
            factory.researcher(), application, {}, expected_version=application.answers_version, now=utcnow()
        )


def test_my_applications_lists_what_i_have_joined(pair):
    application, _, partner_client = pair
    page = partner_client.get("/applications").get_data(as_text=True)
    assert application.title in page and "Draft" in page
    assert re.search(rf'href="/applications/{application.id}"', page)


def test_someone_who_registers_after_being_invited_finds_the_invitation_waiting(app, factory, sign_in, pair):
    application, lead_client, _ = pair
    post_form(
        lead_client,
        f"/applications/{application.id}/team",
        {
            "full_name": "New Person",
            "email": "new.person@example.org",
            "role": "co_investigator",
            "country": "GB",
            "institution_id": factory.institution().id,
        },
    )
    newcomer = factory.researcher("GB", email="new.person@example.org")  # registered and confirmed later
    client = app.test_client()
    sign_in(newcomer, http_client=client)
    listing = client.get("/applications").get_data(as_text=True)
    assert "Invitations to join a team" in listing and application.title in listing
    member = next(m for m in application.members if m.email == newcomer.email)

    outsider = app.test_client()
    sign_in(factory.researcher(), http_client=outsider)
    assert post_form(outsider, f"/team-invitations/pending/{member.id}").status_code == 404
    assert post_form(client, f"/team-invitations/pending/{member.id}").status_code == 303
    assert member.user_id == newcomer.id
    assert client.get(f"/applications/{application.id}/details").status_code == 200
    assert "Invitations to join a team" not in client.get("/applications").get_data(as_text=True)


def test_editing_the_details_while_a_colleague_answers_questions_is_no_conflict(pair):
    application, lead_client, partner_client = pair
    question = application.question_set.questions[0]
    details_version, answers_version = application.details_version, application.answers_version
    assert (
        post_form(
            partner_client,
            f"/applications/{application.id}/questions",
            {"version": answers_version, f"q_{question.key}": "Open data"},
        ).status_code
        == 303
    )
    assert (
        post_form(
            lead_client,
            f"/applications/{application.id}/details",
            details_form(details_version, abstract="Heat stress"),
        ).status_code
        == 303
    )
    assert application.abstract == "Heat stress"
    assert [answer.value for answer in application.answers] == ["Open data"]
