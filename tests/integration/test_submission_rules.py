"""Every refusal on the way to submission, and what submitting, withdrawing and reopening do."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import refresh

from grants.applications.services import budget, confirmations, team
from grants.applications.services.answers import questions_for
from grants.applications.services.checklist import gaps
from grants.applications.services.submission import (
    reopen_application,
    submit_application,
    withdraw_application,
)
from grants.calls.services.question_sets import QuestionSpec, add_question
from grants.errors import Conflict, PermissionDenied, TransitionError
from grants.timeutil import utcnow
from tests.integration.conftest import post_form

BEIJING = ZoneInfo("Asia/Shanghai")


def test_a_submission_one_second_after_the_close_is_refused_in_the_calls_own_zone(factory):
    # The call closes at 16:00 Beijing time, which is 08:00 UTC: a UTC reading would be 8 hours off.
    closes_local = (datetime.now(BEIJING) + timedelta(days=2)).replace(
        hour=16, minute=0, second=0, microsecond=0, tzinfo=None
    )
    call = factory.call(time_zone="Asia/Shanghai", closes_local=closes_local)
    closes_at = closes_local.replace(tzinfo=BEIJING)
    assert call.closes_at == closes_at
    assert call.closes_at.hour == 8
    application = factory.complete_application(call)

    with pytest.raises(Conflict, match="no longer accepts submissions"):
        submit_application(application.lead_applicant, application.id, closes_at + timedelta(seconds=1))
    assert application.state == "draft"
    assert application.reference is None

    result = submit_application(application.lead_applicant, application.id, closes_at - timedelta(seconds=1))
    assert result.newly_submitted
    assert application.state == "submitted"


def test_the_deadline_holds_even_though_no_scheduler_closed_the_call(factory, app, sign_in, db_session):
    call = factory.call()
    application = factory.complete_application(call)
    call.closes_at = utcnow() - timedelta(seconds=1)  # the close has passed; the call is still "open"
    db_session.flush()
    assert call.state == "open"
    client = app.test_client()
    sign_in(application.lead_applicant, http_client=client)
    response = post_form(client, f"/applications/{application.id}/submit")
    assert response.status_code == 409
    assert "no longer accepts submissions" in response.get_data(as_text=True)
    assert application.state == "draft"


def test_a_missing_china_side_lead_blocks_submission(factory):
    call = factory.call()
    application = factory.complete_application(call)
    china_lead = next(m for m in application.members if m.country == "CN")
    team.remove_member(application.lead_applicant, application, china_lead.id, utcnow())

    messages = [gap.message for gap in gaps(application, utcnow())]
    assert "Add a lead investigator for the China side." in messages
    with pytest.raises(Conflict, match="not complete"):
        submit_application(application.lead_applicant, application.id, utcnow())
    assert application.state == "draft"


def test_a_budget_over_the_funders_maximum_blocks_submission(factory):
    application = factory.complete_application()
    uk = application.call.funders[0]
    budget.add_budget_line(
        application.lead_applicant,
        application,
        call_funder_id=uk.id,
        year=2,
        category="equipment",
        description="Growth chamber",
        amount="150,000.01",
        now=utcnow(),
    )
    over = [gap.message for gap in gaps(application, utcnow()) if gap.section == "budget"]
    assert over == [f"The request to {uk.funder.name} is £200,000.01; this call's maximum is £200,000.00."]
    with pytest.raises(Conflict):
        submit_application(application.lead_applicant, application.id, utcnow())


def test_a_change_after_a_side_confirmed_asks_that_side_again(factory):
    application = factory.complete_application()
    assert not gaps(application, utcnow())
    cn = application.call.funders[1]
    partner = next(m.user for m in application.members if m.country == "CN")
    budget.add_budget_line(
        partner,
        application,
        call_funder_id=cn.id,
        year=2,
        category="travel",
        description="Second visit",
        amount="20,000",
        now=utcnow(),
    )
    states = {s.country: s.state for s in confirmations.side_statuses(application)}
    assert states == {"GB": "confirmed", "CN": "changed"}
    with pytest.raises(PermissionDenied):
        confirmations.confirm_side(application.lead_applicant, application, "CN", utcnow())
    confirmations.confirm_side(partner, application, "CN", utcnow())
    assert not gaps(application, utcnow())


def test_submitting_twice_makes_one_submission(factory, app, sign_in, db_session):
    application = factory.complete_application()
    client = app.test_client()
    sign_in(application.lead_applicant, http_client=client)
    first = post_form(client, f"/applications/{application.id}/submit")
    second = post_form(client, f"/applications/{application.id}/submit")
    assert first.status_code == second.status_code == 303
    assert "already submitted" in client.get(second.location).get_data(as_text=True)
    assert application.call.last_application_number == 1
    assert application.submission_count == 1
    assert len(factory.outbox("application_submitted")) == 2


def test_references_count_up_per_call(factory):
    call = factory.call()
    first, second = factory.complete_application(call), factory.complete_application(call)
    submit_application(second.lead_applicant, second.id, utcnow())
    submit_application(first.lead_applicant, first.id, utcnow())
    assert (second.reference, first.reference) == (
        f"{call.reference_prefix}-0001",
        f"{call.reference_prefix}-0002",
    )


def test_only_the_lead_applicant_submits(factory):
    application = factory.complete_application()
    partner = next(m.user for m in application.members if m.country == "CN")
    with pytest.raises(PermissionDenied):
        submit_application(partner, application.id, utcnow())


def test_withdrawing_tells_the_team_and_is_final(factory):
    application = factory.complete_application()
    submit_application(application.lead_applicant, application.id, utcnow())
    withdraw_application(application.lead_applicant, application, "Partner left", utcnow())
    assert application.state == "withdrawn"
    assert len(factory.outbox("application_withdrawn")) == 2
    with pytest.raises(TransitionError):
        withdraw_application(application.lead_applicant, application, "", utcnow())


def test_an_officer_reopens_with_a_reason_and_the_team_resubmits_after_the_close(factory, db_session):
    application = factory.complete_application()
    submit_application(application.lead_applicant, application.id, utcnow())
    reference = application.reference
    officer = factory.officer()
    with pytest.raises(PermissionDenied):
        reopen_application(application.lead_applicant, application, "mine", utcnow())
    reopen_application(officer, application, "The China budget needs a breakdown by year.", utcnow())
    assert application.state == "draft"
    reopened = factory.outbox("application_reopened")
    assert len(reopened) == 2 and "breakdown" in reopened[0].context["reason"]

    application.call.closes_at = utcnow() - timedelta(hours=1)
    db_session.flush()
    result = submit_application(application.lead_applicant, application.id, utcnow())
    assert result.newly_submitted and application.reference == reference
    assert application.submission_count == 2
    assert len(factory.outbox("application_submitted")) == 4


def test_the_reopen_form_needs_a_reason_and_an_officer(factory, app, sign_in):
    application = factory.complete_application()
    submit_application(application.lead_applicant, application.id, utcnow())
    officer = factory.officer()
    researcher_client, officer_client = app.test_client(), app.test_client()
    sign_in(application.lead_applicant, http_client=researcher_client)
    sign_in(officer, http_client=officer_client)
    assert (
        post_form(researcher_client, f"/applications/{application.id}/reopen", {"reason": "x"}).status_code
        == 403
    )
    empty = post_form(officer_client, f"/applications/{application.id}/reopen", {"reason": ""})
    assert empty.status_code == 422
    assert "Tell the team what to correct" in empty.get_data(as_text=True)
    assert application.state == "submitted"


def test_a_question_added_after_the_draft_started_must_be_answered_before_submission(factory):
    application = factory.complete_application()
    add_question(factory.officer(), application.call, QuestionSpec("short_text", "Project acronym"))
    with pytest.raises(Conflict, match="not complete"):
        submit_application(application.lead_applicant, application.id, utcnow())
    assert [q.label for q in questions_for(application)] == ["Project acronym"]


def test_an_invitation_cannot_be_accepted_once_the_application_is_withdrawn(factory):
    application = factory.draft(factory.call())
    invitee = factory.researcher("CN")
    invitation = team.invite_member(
        application.lead_applicant,
        application,
        email=invitee.email,
        full_name=invitee.full_name,
        role="lead",
        country="CN",
        institution_id=invitee.institution_id,
        now=utcnow(),
    )
    withdraw_application(application.lead_applicant, application, "", utcnow())
    with pytest.raises(Conflict, match="withdrawn"):
        team.accept_member_invitation(invitee, invitation.token, utcnow())
    assert invitation.member.user_id is None


def test_a_pending_lead_blocks_submission_even_where_leads_per_country_are_not_required(factory):
    call = factory.call(bilateral=False)
    application = factory.complete_application(call)
    team.invite_member(
        application.lead_applicant,
        application,
        email="late.lead@example.org",
        full_name="Late Lead",
        role="co_investigator",
        country="CN",
        institution_id=factory.institution(country="CN").id,
        now=utcnow(),
    )
    assert "Late Lead has not accepted the invitation yet; wait for them or remove them." in [
        gap.message for gap in gaps(application, utcnow())
    ]


def test_a_draft_withdrawn_by_a_reader_of_chinese_is_stored_as_draft_n_in_english(factory, app):
    """What the outbox keeps is read later in each recipient's language, so it is never written in
    the language of the person who acted."""
    application = factory.complete_application()
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        refresh()  # forget the language the factory's own calls settled on
        assert application.display_reference != f"Draft {application.id}"  # the page says 草稿
        withdraw_application(application.lead_applicant, application, "", utcnow())
    references = {row.context["reference"] for row in factory.outbox("application_withdrawn")}
    assert references == {f"Draft {application.id}"}
