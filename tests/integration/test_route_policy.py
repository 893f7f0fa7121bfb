"""Every route declares who may use it; the table says what each role gets.

``ok`` means the view ran (any answer but a sign-in redirect or 403), ``login`` a redirect to the
sign-in page, ``403`` a refusal. POSTs carry a valid CSRF token and no other data.
"""

import pytest

from grants import create_app
from grants.security.policy import undeclared_endpoints
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

# endpoint: (method, url, expectations); "{user}", "{call}" and the like are replaced by the ids of
# another account and of a call and application (with an attachment) that the signed-in user has
# nothing to do with.
ACCESS = {
    "static": ("GET", "/static/css/grants.css", ANYONE),
    "core.home": ("GET", "/", ANYONE),
    "core.health": ("GET", "/healthz", ANYONE),
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
    "accounts.invitation": ("GET", "/invitations/some-token", ANYONE),
    "accounts.accept_invitation": ("POST", "/invitations/some-token", SIGNED_IN),
    "accounts.invite_reviewer": ("GET", "/reviewers/invite", STAFF),
    "admin.users": ("GET", "/admin/users", ADMIN),
    "admin.user_detail": ("GET", "/admin/users/{user}", ADMIN),
    "admin.change_role": ("POST", "/admin/users/{user}/roles", ADMIN),
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
    "calls.move_call": ("POST", "/manage/calls/{call}/decide", OFFICER),
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
    "applications.download": ("GET", "/attachments/{attachment}", STAFF),
    "applications.declarations": ("GET", "/applications/{application}/declarations", STAFF),
    "applications.check": ("GET", "/applications/{application}/submit", STAFF),
    "applications.submit": ("POST", "/applications/{application}/submit", NOT_MY_TEAM),
    "applications.withdraw": ("GET", "/applications/{application}/withdraw", STAFF),
    "applications.reopen": ("GET", "/applications/{application}/reopen", OFFICER),
    "applications.team_invitation": ("GET", "/team-invitations/some-token", ANYONE),
    "applications.accept_team_invitation": ("POST", "/team-invitations/some-token", SIGNED_IN),
    "applications.join_pending": ("POST", "/team-invitations/pending/999", SIGNED_IN),
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


def outcome(response) -> object:
    if response.status_code == 302 and "/sign-in?next=" in response.headers["Location"]:
        return "login"
    if response.status_code == 403:
        return 403
    return "ok"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(app, client, factory, sign_in, role):
    target = factory.user(name="Target Person")
    application = factory.complete_application()
    ids = {
        "user": target.id,
        "call": application.call_id,
        "application": application.id,
        "attachment": application.attachments[0].id,
        "programme": application.call.programme_id,
        "criterion": application.call.criteria[0].id,
    }
    if role != "anonymous":
        roles = () if role == "researcher" else (role,)
        sign_in(factory.user(roles=roles))
    token = csrf_token(client)
    results = {}
    for endpoint, (method, url, expected) in ACCESS.items():
        url = url.format(**ids)
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        results[endpoint] = (outcome(response), expected[role])
        response.close()
        if endpoint == "accounts.sign_out" and outcome(response) == "ok":
            break  # signed out: the rest would only test anonymous access again
    wrong = {name: got for name, got in results.items() if got[0] != got[1]}
    assert wrong == {}, f"(got, expected) for {role}"
