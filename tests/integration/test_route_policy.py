"""Every route declares who may use it; the table says what each role gets.

``ok`` means the view ran (any answer but a sign-in redirect, a 403 or a crash), ``login`` a
redirect to the sign-in page, ``403`` a refusal; a 500 is never expected. POSTs carry a valid CSRF
token and no other data.
"""

import pytest

from grants import create_app
from grants.accounts.models import User
from grants.awards.services.changes import add_milestone
from grants.awards.services.reports import add_report_file
from grants.demo.pdf import one_page_pdf
from grants.reviews.models import AssignmentProposal, ConflictOfInterest, Review, ReviewAssignment
from grants.security.policy import undeclared_endpoints
from grants.timeutil import utcnow
from tests.integration.conftest import csrf_token

ROLES = ("anonymous", "researcher", "reviewer", "officer", "admin")
ANYONE = dict.fromkeys(ROLES, "ok")
SIGNED_IN = {"anonymous": "login", "researcher": "ok", "reviewer": "ok", "officer": "ok", "admin": "ok"}
STAFF = {"anonymous": "login", "researcher": 403, "reviewer": 403, "officer": "ok", "admin": "ok"}
ADMIN = {"anonymous": "login", "researcher": 403, "reviewer": 403, "officer": 403, "admin": "ok"}
OFFICER = {"anonymous": "login", "researcher": 403, "reviewer": 403, "officer": "ok", "admin": 403}
# Someone else's application: staff may look; only its team may change it, so every one-button
# change is refused even to staff. (Form POSTs without data stop at validation, hence "ok".)
NOT_MY_TEAM = {"anonymous": "login", "researcher": 403, "reviewer": 403, "officer": 403, "admin": 403}
REVIEWER = {"anonymous": "login", "researcher": 403, "reviewer": "ok", "officer": 403, "admin": 403}
# Another reviewer's invitation and review: nobody else may open or answer it, staff included.
NOT_MY_REVIEW = NOT_MY_TEAM
# Someone else's award: its team and the officers who manage awards may look; admins are not
# officers, so they are refused like any other outsider. Writing a report is the team's alone.
NOT_MY_AWARD = OFFICER

# endpoint: (method, url, expectations); "{user}", "{call}" and the like are replaced by the ids of
# another account, of a call and application (with an attachment), and of an award on another call
# (with a milestone, a report with a file, and a payment) that the signed-in user has nothing to do
# with.
ACCESS = {
    "static": ("GET", "/static/css/grants.css", ANYONE),
    "core.home": ("GET", "/", ANYONE),
    "core.health": ("GET", "/healthz", ANYONE),
    "language.choose": ("POST", "/language", ANYONE),
    "accounts.register": ("GET", "/register", ANYONE),
    "accounts.registered": ("GET", "/register/check-your-email", ANYONE),
    "accounts.verify_email": ("GET", "/verify/some-token", ANYONE),
    "accounts.confirm_email": ("POST", "/verify/some-token", ANYONE),
    "accounts.resend_verification": ("POST", "/verify/resend", ANYONE),
    "accounts.sign_in": ("GET", "/sign-in", ANYONE),
    "accounts.sign_out": ("POST", "/sign-out", SIGNED_IN),
    "accounts.forgot_password": ("GET", "/password/forgot", ANYONE),
    "accounts.reset_password": ("GET", "/password/reset/some-token", ANYONE),
    "accounts.profile": ("GET", "/profile", SIGNED_IN),
    "accounts.change_password": ("POST", "/profile/password", SIGNED_IN),
    "accounts.sign_in_code": ("GET", "/sign-in/code", ANYONE),
    "accounts.confirm_identity": ("GET", "/account/confirm-identity", SIGNED_IN),
    "accounts.two_factor_settings": ("GET", "/account/two-factor", SIGNED_IN),
    "accounts.two_factor_setup": ("GET", "/account/two-factor/setup", SIGNED_IN),
    "accounts.regenerate_recovery_codes": ("POST", "/account/two-factor/recovery-codes", SIGNED_IN),
    "accounts.turn_off_two_factor": ("POST", "/account/two-factor/off", SIGNED_IN),
    "accounts.sessions_page": ("GET", "/account/sessions", SIGNED_IN),
    "accounts.end_session": ("POST", "/account/sessions/1/end", SIGNED_IN),
    "accounts.end_other_sessions": ("POST", "/account/sessions/end-others", SIGNED_IN),
    "accounts.session_status": ("GET", "/account/session", SIGNED_IN),
    "accounts.keep_alive": ("POST", "/account/session/keep-alive", SIGNED_IN),
    "accounts.change_email": ("GET", "/account/email", SIGNED_IN),
    "accounts.confirm_email_change": ("GET", "/account/email/confirm/some-token", SIGNED_IN),
    "accounts.apply_email_change": ("POST", "/account/email/confirm/some-token", SIGNED_IN),
    "accounts.invitation": ("GET", "/invitations/some-token", ANYONE),
    "accounts.accept_invitation": ("POST", "/invitations/some-token", SIGNED_IN),
    "accounts.invite_reviewer": ("GET", "/reviewers/invite", STAFF),
    "admin.users": ("GET", "/admin/users", ADMIN),
    "admin.user_detail": ("GET", "/admin/users/{user}", ADMIN),
    "privacy.my_data": ("POST", "/profile/personal-data", SIGNED_IN),
    "privacy.person_data": ("POST", "/admin/users/{user}/personal-data", ADMIN),
    "privacy.erase": ("GET", "/admin/users/{user}/erase", ADMIN),
    "admin.change_role": ("POST", "/admin/users/{user}/roles", ADMIN),
    "admin.reset_two_factor": ("POST", "/admin/users/{user}/two-factor/reset", ADMIN),
    "admin.end_user_sessions": ("POST", "/admin/users/{user}/sessions/end", ADMIN),
    "admin.institutions": ("GET", "/admin/institutions", ADMIN),
    "mailbox.index": ("GET", "/dev/mail/", STAFF),
    "mailbox.show": ("GET", "/dev/mail/no-such-message", STAFF),
    "calls.index": ("GET", "/calls", ANYONE),
    "calls.show": ("GET", "/calls/{call}", ANYONE),
    "calls.manage_index": ("GET", "/manage/calls", STAFF),
    "calls.manage_call": ("GET", "/manage/calls/{call}", STAFF),
    "calls.new_programme": ("GET", "/manage/programmes/new", OFFICER),
    "calls.new_funder": ("GET", "/manage/funders/new", OFFICER),
    "calls.new_call": ("GET", "/manage/programmes/{programme}/calls/new", OFFICER),
    "calls.edit_call": ("GET", "/manage/calls/{call}/edit", OFFICER),
    "calls.add_funder": ("POST", "/manage/calls/{call}/funders", OFFICER),
    "calls.remove_funder": ("POST", "/manage/calls/{call}/funders/999/remove", OFFICER),
    "calls.save_priority_areas": ("POST", "/manage/calls/{call}/priority-areas", OFFICER),
    "calls.new_criterion": ("GET", "/manage/calls/{call}/criteria/new", OFFICER),
    "calls.edit_criterion": ("GET", "/manage/calls/{call}/criteria/{criterion}", OFFICER),
    "calls.remove_criterion": ("POST", "/manage/calls/{call}/criteria/999/remove", OFFICER),
    "calls.new_question": ("GET", "/manage/calls/{call}/questions/new", OFFICER),
    "calls.edit_question": ("GET", "/manage/calls/{call}/questions/no-such-key", OFFICER),
    "calls.delete_question": ("POST", "/manage/calls/{call}/questions/no-such-key/remove", OFFICER),
    "calls.reorder_question": ("POST", "/manage/calls/{call}/questions/no-such-key/move", OFFICER),
    "calls.move_call": ("POST", "/manage/calls/{call}/close", OFFICER),
    "applications.mine": ("GET", "/applications", SIGNED_IN),
    "applications.start": ("GET", "/calls/{call}/apply", SIGNED_IN),
    "applications.overview": ("GET", "/applications/{application}", STAFF),
    "applications.details": ("GET", "/applications/{application}/details", STAFF),
    "applications.questions": ("GET", "/applications/{application}/questions", STAFF),
    "applications.autosave": ("POST", "/applications/{application}/autosave", STAFF),
    "applications.team": ("GET", "/applications/{application}/team", STAFF),
    "applications.invite": ("POST", "/applications/{application}/team", STAFF),
    "applications.remove_member": ("POST", "/applications/{application}/team/999/remove", NOT_MY_TEAM),
    "applications.confirm": ("POST", "/applications/{application}/confirm/GB", NOT_MY_TEAM),
    "applications.budget": ("GET", "/applications/{application}/budget", STAFF),
    "applications.add_budget_line": ("POST", "/applications/{application}/budget", STAFF),
    "applications.remove_budget_line": ("POST", "/applications/{application}/budget/999/remove", NOT_MY_TEAM),
    "applications.attachments": ("GET", "/applications/{application}/attachments", STAFF),
    "applications.upload": ("POST", "/applications/{application}/attachments", STAFF),
    "applications.remove_attachment": (
        "POST",
        "/applications/{application}/attachments/999/remove",
        NOT_MY_TEAM,
    ),
    "applications.restore_attachment": (
        "POST",
        "/applications/{application}/attachments/removed/999/restore",
        NOT_MY_TEAM,
    ),
    "applications.download": ("GET", "/attachments/{attachment}", STAFF),
    "applications.declarations": ("GET", "/applications/{application}/declarations", STAFF),
    "applications.check": ("GET", "/applications/{application}/submit", STAFF),
    "applications.submit": ("POST", "/applications/{application}/submit", NOT_MY_TEAM),
    "applications.withdraw": ("GET", "/applications/{application}/withdraw", STAFF),
    "applications.reopen": ("GET", "/applications/{application}/reopen", OFFICER),
    "applications.team_invitation": ("GET", "/team-invitations/some-token", ANYONE),
    "applications.accept_team_invitation": ("POST", "/team-invitations/some-token", SIGNED_IN),
    "applications.join_pending": ("POST", "/team-invitations/pending/999", SIGNED_IN),
    "reviews.profile": ("GET", "/reviewer/profile", REVIEWER),
    "reviews.save_profile": ("POST", "/reviewer/profile", REVIEWER),
    "reviews.add_collaborator": ("POST", "/reviewer/collaborators", REVIEWER),
    "reviews.remove_collaborator": ("POST", "/reviewer/collaborators/999/remove", REVIEWER),
    "reviews.add_unavailable": ("POST", "/reviewer/unavailable", REVIEWER),
    "reviews.remove_unavailable": ("POST", "/reviewer/unavailable/999/remove", REVIEWER),
    "reviews.mine": ("GET", "/reviews", REVIEWER),
    "reviews.invitation": ("GET", "/reviews/{assignment}/invitation", NOT_MY_REVIEW),
    "reviews.accept": ("POST", "/reviews/{assignment}/accept", NOT_MY_REVIEW),
    "reviews.decline": ("POST", "/reviews/{assignment}/decline", NOT_MY_REVIEW),
    "reviews.declare_own_conflict": ("POST", "/reviews/{assignment}/conflict", NOT_MY_REVIEW),
    "reviews.review": ("GET", "/reviews/{assignment}", NOT_MY_REVIEW),
    "reviews.save": ("POST", "/reviews/{assignment}", NOT_MY_REVIEW),
    "reviews.bids": ("GET", "/calls/{call}/bids", REVIEWER),
    "reviews.place_bid": ("POST", "/bids/{application}", NOT_MY_REVIEW),
    "reviews.routing": ("GET", "/manage/calls/{call}/reviews", OFFICER),
    "reviews.propose": ("POST", "/manage/calls/{call}/reviews/propose", OFFICER),
    "reviews.add_conflict": ("POST", "/manage/calls/{call}/conflicts", OFFICER),
    "reviews.remove_conflict": ("POST", "/manage/conflicts/{conflict}/remove", OFFICER),
    "reviews.cancel": ("POST", "/manage/assignments/{assignment}/cancel", OFFICER),
    "reviews.replace": ("POST", "/manage/assignments/{assignment}/replace", OFFICER),
    "reviews.proposal": ("GET", "/manage/proposals/{proposal}", OFFICER),
    "reviews.add_pair": ("POST", "/manage/proposals/{proposal}/pairs", OFFICER),
    "reviews.remove_pair": ("POST", "/manage/proposals/{proposal}/pairs/999/remove", OFFICER),
    "reviews.confirm": ("POST", "/manage/proposals/{proposal}/confirm", OFFICER),
    "reviews.discard": ("POST", "/manage/proposals/{proposal}/discard", OFFICER),
    "reviews.application_reviews": ("GET", "/manage/applications/{application}/reviews", OFFICER),
    "reviews.unlock": ("POST", "/manage/reviews/{review}/unlock", OFFICER),
    "reviews.call_ranking": ("GET", "/manage/calls/{call}/ranking", OFFICER),
    "awards.decisions": ("GET", "/manage/calls/{call}/decisions", OFFICER),
    "awards.decide": ("GET", "/manage/applications/{application}/decision", OFFICER),
    "awards.clear": ("POST", "/manage/applications/{application}/decision/clear", OFFICER),
    "awards.release": ("POST", "/manage/calls/{call}/decisions/release", OFFICER),
    "awards.reserve": ("GET", "/manage/applications/{application}/reserve", OFFICER),
    "awards.programme_terms": ("GET", "/manage/programmes/{programme}/terms", OFFICER),
    "awards.mine": ("GET", "/awards", SIGNED_IN),
    "awards.show": ("GET", "/awards/{award}", NOT_MY_AWARD),
    "awards.letter": ("GET", "/awards/{award}/letter", NOT_MY_AWARD),
    "awards.letter_pdf": ("GET", "/awards/{award}/letter.pdf", NOT_MY_AWARD),
    "awards.agreement": ("GET", "/awards/{award}/agreement", NOT_MY_AWARD),
    "awards.portfolio": ("GET", "/manage/awards", OFFICER),
    "awards.extend": ("GET", "/manage/awards/{award}/extend", OFFICER),
    "awards.terminate": ("GET", "/manage/awards/{award}/terminate", OFFICER),
    "awards.transfer": ("GET", "/manage/awards/{award}/transfer", OFFICER),
    "awards.add_milestone": ("GET", "/manage/awards/{award}/milestones", OFFICER),
    "awards.extend_offer_deadline": ("GET", "/manage/awards/{award}/offer/extend", OFFICER),
    "awards.move_start_date": ("GET", "/manage/awards/{award}/offer/start", OFFICER),
    "awards.withdraw": ("GET", "/manage/awards/{award}/offer/withdraw", OFFICER),
    "awards.release_payment_page": ("GET", "/manage/payments/{payment}/release", OFFICER),
    "awards.report": ("GET", "/reports/{report}", NOT_MY_AWARD),
    "awards.save": ("POST", "/reports/{report}", NOT_MY_TEAM),
    "awards.add_file": ("POST", "/reports/{report}/files", NOT_MY_TEAM),
    "awards.remove_file": ("POST", "/reports/{report}/files/{file}/remove", NOT_MY_TEAM),
    "awards.restore_file": ("POST", "/reports/{report}/files/removed/999/restore", NOT_MY_TEAM),
    "awards.download_file": ("GET", "/report-files/{file}", NOT_MY_AWARD),
    "awards.review": ("POST", "/reports/{report}/review", OFFICER),
    "awards.milestone_achieved": ("GET", "/milestones/{milestone}/achieved", NOT_MY_AWARD),
    "outbox.failed": ("GET", "/manage/emails/failed", OFFICER),
    "outbox.retry": ("POST", "/manage/emails/{message}/retry", OFFICER),
    "outbox.retry_all": ("POST", "/manage/emails/failed/retry", OFFICER),
    "audit.log": ("GET", "/manage/audit", STAFF),
    "insights.portfolio_page": ("GET", "/manage/insights", OFFICER),
    "insights.programme": ("GET", "/manage/programmes/{programme}/dashboard", OFFICER),
    "insights.call": ("GET", "/manage/calls/{call}/dashboard", OFFICER),
    "insights.export_call": ("GET", "/manage/calls/{call}/export/reviews.csv", OFFICER),
    "insights.export_portfolio": ("GET", "/manage/portfolio/export/payments.xlsx", OFFICER),
}


def test_every_endpoint_declares_a_policy(app):
    assert undeclared_endpoints(app) == []


def test_the_table_covers_every_endpoint(app):
    assert set(ACCESS) == set(app.view_functions)


def test_an_undeclared_route_is_caught_and_refused(tmp_path):
    """Shows that the check can fail: a route without a policy is listed and refused."""
    app = create_app("testing", {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert undeclared_endpoints(app) == ["forgotten"]
    assert app.test_client().get("/forgotten").status_code == 403


def someone_else_s_review(factory, application, reviewer) -> dict:
    """An accepted invitation with a draft review, a proposal and a conflict: all about
    ``reviewer`` (not the signed-in user) and ``application``."""
    assignment = ReviewAssignment(
        call_id=application.call_id, application_id=application.id, reviewer_id=reviewer.id, state="accepted"
    )
    proposal = AssignmentProposal(call_id=application.call_id, state="pending")
    conflict = ConflictOfInterest(
        application_id=application.id, reviewer_id=reviewer.id, source="officer", reason="Board member."
    )
    factory.session.add_all([assignment, proposal, conflict])
    factory.session.flush()
    review = Review(assignment_id=assignment.id, state="draft")
    factory.session.add(review)
    factory.session.flush()
    return {
        "assignment": assignment.id,
        "proposal": proposal.id,
        "conflict": conflict.id,
        "review": review.id,
    }


def someone_else_s_award(factory) -> dict:
    """An active award on a call of its own, with a milestone, a report with a PDF attached and a
    payment: none of it the signed-in user's."""
    award = factory.award(accept=True)
    officer = factory.session.get(User, award.call.created_by_id)
    milestone = add_milestone(officer, award, "Field trial sown", award.start_date)
    report = award.reports[0]
    report_file = add_report_file(
        award.application.lead_applicant,
        report,
        filename="progress.pdf",
        content=one_page_pdf("Progress so far"),
        now=utcnow(),
    )
    factory.session.flush()
    return {
        "award": award.id,
        "report": report.id,
        "file": report_file.id,
        "payment": award.payments[0].id,
        "milestone": milestone.id,
    }


SIGN_OUT = "accounts.sign_out"


def outcome(response) -> object:
    if response.status_code == 302 and "/sign-in?next=" in response.headers["Location"]:
        return "login"
    if response.status_code in (403, 500):
        return response.status_code
    return "ok"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(app, client, factory, sign_in, role):
    target = factory.user(name="Target Person")
    application = factory.complete_application()
    review_ids = someone_else_s_review(factory, application, target)
    ids = {
        **review_ids,
        **someone_else_s_award(factory),
        "user": target.id,
        "call": application.call_id,
        "application": application.id,
        "attachment": application.attachments[0].id,
        "programme": application.call.programme_id,
        "criterion": application.call.criteria[0].id,
        "message": factory.outbox()[0].id,
    }
    if role != "anonymous":
        roles = () if role == "researcher" else (role,)
        sign_in(factory.user(roles=roles))
    token = csrf_token(client)
    results = {}
    # Signing out goes last: everything before it is tried as the signed-in role.
    for endpoint, (method, url, expected) in sorted(ACCESS.items(), key=lambda item: item[0] == SIGN_OUT):
        url = url.format(**ids)
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        results[endpoint] = (outcome(response), expected[role])
        response.close()
    assert len(results) == len(ACCESS)
    wrong = {name: got for name, got in results.items() if got[0] != got[1]}
    assert wrong == {}, f"(got, expected) for {role}"
