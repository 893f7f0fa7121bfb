"""Signing in and out: real session rows, copied cookies, rehashing and throttling."""

from argon2 import PasswordHasher
from sqlalchemy import select

from grants.accounts.models import AuthSession
from grants.timeutil import utcnow
from tests.integration.conftest import csrf_token, post_form


def test_signing_in_opens_a_session_row_and_redirects_home(client, factory, sign_in, db_session):
    user = factory.user(email="wang.lei@example.org")
    response = sign_in(user)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    [row] = db_session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)).all()
    assert row.ended_at is None
    assert "Welcome, " + user.full_name in client.get("/").get_data(as_text=True)


def test_the_cookie_holds_a_session_token_not_the_user_id(client, factory, sign_in):
    user = factory.user()
    sign_in(user)
    with client.session_transaction() as session:
        stored = session["_user_id"]
    assert stored != str(user.id)
    assert len(stored) >= 40


def test_next_parameter_only_redirects_within_the_site(client, factory):
    user = factory.user()
    data = {"email": user.email, "password": factory.PASSWORD}
    response = post_form(client, "/sign-in?next=/profile", data)
    assert response.headers["Location"] == "/profile"
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    for hostile in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = post_form(client, f"/sign-in?next={hostile}", data)
        assert response.headers["Location"] == "/", hostile
        client.post("/sign-out", data={"csrf_token": csrf_token(client)})


def test_wrong_password_and_unknown_email_get_the_same_message(client, factory):
    user = factory.user()
    wrong = post_form(client, "/sign-in", {"email": user.email, "password": "not-the-password"})
    unknown = post_form(client, "/sign-in", {"email": "nobody@example.org", "password": "whatever-1"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "The email address or password is incorrect." in response.get_data(as_text=True)


def test_sign_out_ends_the_session_so_a_copied_cookie_stops_working(app, client, factory, sign_in):
    user = factory.user()
    sign_in(user)
    with client.session_transaction() as session:
        copied = dict(session)

    assert client.get("/profile").status_code == 200
    assert post_form(client, "/sign-out").status_code == 302

    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(copied)
    response = thief.get("/profile")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_sign_out_requires_post_with_csrf(client, factory, sign_in):
    sign_in(factory.user())
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/profile").status_code == 200, "still signed in"


def test_sixth_wrong_password_in_a_minute_is_throttled(client, factory, db_session):
    user = factory.user()
    for _ in range(5):
        response = post_form(client, "/sign-in", {"email": user.email, "password": "wrong-guess-1"})
        assert response.status_code == 401
    sixth = post_form(client, "/sign-in", {"email": user.email, "password": factory.PASSWORD})
    assert sixth.status_code == 429
    assert "Too many attempts" in sixth.get_data(as_text=True)
    assert db_session.scalars(select(AuthSession)).all() == []


def test_throttle_is_per_account_so_others_still_sign_in(client, factory, app):
    victim, other = factory.user(), factory.user()
    for _ in range(5):
        post_form(client, "/sign-in", {"email": victim.email, "password": "wrong-guess-1"})
    response = post_form(app.test_client(), "/sign-in", {"email": other.email, "password": factory.PASSWORD})
    assert response.status_code == 302


def test_throttle_per_address_stops_credential_stuffing_across_accounts(client, factory, app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "8 per minute")
    for n in range(8):
        post_form(client, "/sign-in", {"email": f"target{n}@example.org", "password": "Summer2018!"})
    user = factory.user()
    response = post_form(client, "/sign-in", {"email": user.email, "password": factory.PASSWORD})
    assert response.status_code == 429


def test_successful_sign_ins_do_not_count_against_the_limit(client, factory, sign_in):
    user = factory.user()
    for _ in range(7):
        assert sign_in(user).status_code == 302
        post_form(client, "/sign-out")


def test_older_hashes_are_upgraded_at_sign_in(client, factory, db_session, sign_in):
    user = factory.user()
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    user.password_hash = weak.hash(factory.PASSWORD)
    db_session.commit()

    assert sign_in(user).status_code == 302
    db_session.refresh(user)
    assert "m=512," not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")


def test_disabled_accounts_cannot_sign_in(client, factory):
    user = factory.user(is_active_account=False)
    response = post_form(client, "/sign-in", {"email": user.email, "password": factory.PASSWORD})
    assert response.status_code == 401
    assert "disabled" in response.get_data(as_text=True)


def test_expired_session_rows_sign_the_user_out(client, factory, sign_in, db_session):
    user = factory.user()
    sign_in(user)
    row = db_session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)).one()
    row.expires_at = utcnow()
    db_session.commit()
    assert client.get("/profile").status_code == 302
