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

# endpoint: (method, url, expectations); "{user}" is replaced by another account's id.
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
    if role != "anonymous":
        roles = () if role == "researcher" else (role,)
        sign_in(factory.user(roles=roles))
    token = csrf_token(client)
    results = {}
    for endpoint, (method, url, expected) in ACCESS.items():
        url = url.format(user=target.id)
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        results[endpoint] = (outcome(response), expected[role])
        response.close()
        if endpoint == "accounts.sign_out" and outcome(response) == "ok":
            break  # signed out: the rest would only test anonymous access again
    wrong = {name: got for name, got in results.items() if got[0] != got[1]}
    assert wrong == {}, f"(got, expected) for {role}"
