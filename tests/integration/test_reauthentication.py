"""Re-authentication: changing the password or two-factor settings asks for the password (and a
code, with two-factor on) again once the sign-in is more than ``REAUTHENTICATION_WINDOW`` old."""

from datetime import timedelta

from sqlalchemy import select, update

from grants.accounts.models import AuthSession
from grants.accounts.roles import Role
from grants.timeutil import utcnow
from tests.factories import totp_code
from tests.integration.conftest import post_form
from tests.integration.test_two_factor import LimiterClock

NEW_PASSWORD = "sorghum-field-trial-2026"
CHANGE = {
    "pw-current_password": "wheat-rust-2018-trial",
    "pw-new_password": NEW_PASSWORD,
    "pw-confirm": NEW_PASSWORD,
}


def age_the_sign_in(db_session, user, minutes=11):
    db_session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id)
        .values(reauthenticated_at=utcnow() - timedelta(minutes=minutes))
    )


def test_signing_in_counts_as_a_fresh_proof(client, factory, sign_in, db_session):
    user = factory.user()
    sign_in(user)
    [row] = db_session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)).all()
    assert utcnow() - row.reauthenticated_at < timedelta(seconds=5)
    assert post_form(client, "/profile/password", CHANGE).headers["Location"] == "/profile"


def test_a_stale_sign_in_must_confirm_before_changing_the_password(client, factory, sign_in, db_session):
    user = factory.user()
    sign_in(user)
    age_the_sign_in(db_session, user)
    old_hash = user.password_hash

    response = post_form(client, "/profile/password", CHANGE)
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/confirm-identity?next=/profile"
    assert user.password_hash == old_hash  # the posted change was dropped, not kept for later

    wrong = post_form(client, "/account/confirm-identity?next=/profile", {"password": "guess-guess-guess"})
    assert wrong.status_code == 422
    right = post_form(client, "/account/confirm-identity?next=/profile", {"password": factory.PASSWORD})
    assert right.headers["Location"] == "/profile"
    assert post_form(client, "/profile/password", CHANGE).headers["Location"] == "/profile"
    assert user.password_hash != old_hash


def test_with_two_factor_on_the_confirmation_also_needs_a_code(client, factory, sign_in, db_session):
    officer = factory.officer()
    sign_in(officer)
    age_the_sign_in(db_session, officer)
    page = client.get("/account/confirm-identity").get_data(as_text=True)
    assert 'name="code"' in page

    without_code = post_form(client, "/account/confirm-identity", {"password": factory.PASSWORD})
    assert without_code.status_code == 422
    officer.totp_last_step = None  # the sign-in used this step's code a moment ago
    db_session.flush()
    with_code = post_form(
        client, "/account/confirm-identity", {"password": factory.PASSWORD, "code": totp_code()}
    )
    assert with_code.headers["Location"] == "/profile"
    assert post_form(client, "/account/two-factor/recovery-codes").status_code == 200


def test_two_factor_settings_ask_again_when_stale(client, factory, sign_in, db_session):
    user = factory.user()
    sign_in(user)
    age_the_sign_in(db_session, user)
    setup = client.get("/account/two-factor/setup")
    assert setup.headers["Location"] == "/account/confirm-identity?next=/account/two-factor/setup"
    for path in ("/account/two-factor/off", "/account/two-factor/recovery-codes"):
        response = post_form(client, path)
        assert response.headers["Location"] == "/account/confirm-identity?next=/account/two-factor"


def test_the_next_page_after_confirming_stays_on_the_site(client, factory, sign_in, db_session):
    user = factory.user()
    sign_in(user)
    response = post_form(
        client, "/account/confirm-identity?next=https://evil.example/", {"password": factory.PASSWORD}
    )
    assert response.headers["Location"] == "/profile"


def test_a_sign_in_just_inside_the_window_is_still_recent(client, factory, sign_in, db_session):
    user = factory.user()
    sign_in(user)
    age_the_sign_in(db_session, user, minutes=9)
    assert post_form(client, "/profile/password", CHANGE).headers["Location"] == "/profile"


def test_admin_actions_that_cannot_be_undone_ask_a_stale_sign_in_to_confirm(
    client, factory, sign_in, db_session
):
    admin = factory.user(roles=[Role.ADMIN])
    person = factory.officer()
    sign_in(admin)
    age_the_sign_in(db_session, admin)
    back = f"/account/confirm-identity?next=/admin/users/{person.id}"
    for path in ("two-factor/reset", "sessions/end", "roles"):
        response = post_form(
            client, f"/admin/users/{person.id}/{path}", {"role": "reviewer", "action": "grant"}
        )
        assert (response.status_code, response.headers["Location"]) == (303, back), path
    assert person.totp_enabled_at is not None and not person.has_role(Role.REVIEWER)

    erase = f"/admin/users/{person.id}/erase"
    for response in (client.get(erase), post_form(client, erase, {"confirm_email": person.email})):
        assert (response.status_code, response.headers["Location"]) == (
            303,
            f"/account/confirm-identity?next={erase}",
        )
    assert person.erased_at is None
    own_data = post_form(client, "/profile/personal-data")
    assert (own_data.status_code, own_data.headers["Location"]) == (
        303,
        "/account/confirm-identity?next=/profile",
    )


def test_the_confirm_identity_page_is_not_cached(client, factory, sign_in):
    sign_in(factory.user())
    page = client.get("/account/confirm-identity")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Pragma"] == "no-cache"


def test_wrong_codes_when_confirming_identity_are_capped_and_warn_the_owner(
    client, factory, sign_in, db_session, monkeypatch
):
    clock = LimiterClock(monkeypatch)
    officer = factory.officer()
    sign_in(officer)
    wrong = {"password": factory.PASSWORD, "code": "123456"}
    for _minute in range(2):
        statuses = [post_form(client, "/account/confirm-identity", wrong).status_code for _ in range(5)]
        assert statuses == [422] * 5
        clock.advance(61)
    [mail] = factory.outbox("two_factor_wrong_codes", recipient=officer.email)
    assert mail.recipient_email == officer.email
    for _minute in range(2):
        [post_form(client, "/account/confirm-identity", wrong) for _ in range(5)]
        clock.advance(61)
    assert post_form(client, "/account/confirm-identity", wrong).status_code == 429  # 20 an hour
    assert len(factory.outbox("two_factor_wrong_codes", recipient=officer.email)) == 1
