"""Registering, confirming the address by the emailed link, and the refusals on the way."""

from datetime import timedelta

from grants.accounts.models import User
from grants.audit.models import AuditEvent
from tests.integration.conftest import post_form

GOOD = {
    "full_name": "Fiona MacLeod",
    "email": "Fiona.MacLeod@Example.org",
    "password": "barley-yield-trial-7",
    "confirm": "barley-yield-trial-7",
}


def users(db_session, email):
    return db_session.query(User).filter_by(email=email).all()


def test_register_queues_a_verification_email_and_redirects(client, db_session, factory, app):
    response = post_form(client, "/register", GOOD)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/check-your-email")
    [user] = users(db_session, "fiona.macleod@example.org")
    assert user.full_name == "Fiona MacLeod"
    assert not user.is_verified
    assert user.password_hash.startswith("$argon2id$")
    [message] = factory.outbox("verify_email")
    assert message.recipient_email == "fiona.macleod@example.org"
    assert message.id in app.extensions["outbox_handed_over"]
    actions = [event.action for event in db_session.query(AuditEvent).filter_by(subject_id=user.id)]
    assert "account.registered" in actions
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "fiona.macleod@example.org" in page


def test_following_the_emailed_link_confirms_the_address(client, db_session, factory):
    post_form(client, "/register", GOOD)
    [message] = factory.outbox("verify_email")
    link = factory.link_in(message)

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my email address" in page.get_data(as_text=True)
    [user] = users(db_session, "fiona.macleod@example.org")
    assert not user.is_verified, "a GET must not change state"

    confirmed = post_form(client, link)
    assert confirmed.status_code == 302
    db_session.refresh(user)
    assert user.is_verified


def test_unverified_accounts_cannot_sign_in_until_confirmed(client, db_session):
    post_form(client, "/register", GOOD)
    response = post_form(client, "/sign-in", {"email": GOOD["email"], "password": GOOD["password"]})
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "Confirm your email address first" in body
    assert "Send the link again" in body


def test_duplicate_email_is_refused_with_a_clear_message(client, db_session, factory):
    factory.user(email="fiona.macleod@example.org")
    response = post_form(client, "/register", GOOD)

    assert response.status_code == 409
    assert "An account with this email address already exists" in response.get_data(as_text=True)
    assert len(users(db_session, "fiona.macleod@example.org")) == 1
    assert factory.outbox() == []


def test_weak_passwords_are_refused_and_nothing_is_stored(client, db_session, factory):
    for password, message in [
        ("short", "Use at least 8 characters."),
        ("password1", "one of the most common"),
        ("x" * 129, "Use at most 128 characters."),
    ]:
        data = {**GOOD, "password": password, "confirm": password}
        response = post_form(client, "/register", data)
        assert response.status_code == 422, password
        assert message in response.get_data(as_text=True)
    assert users(db_session, "fiona.macleod@example.org") == []
    assert factory.outbox() == []


def test_long_passphrases_are_accepted(client, db_session):
    passphrase = "a field of barley under a grey Scottish sky " + "x" * 20
    response = post_form(client, "/register", {**GOOD, "password": passphrase, "confirm": passphrase})
    assert response.status_code == 302


def test_mismatched_confirmation_and_bad_email_show_field_errors(client, db_session):
    response = post_form(client, "/register", {**GOOD, "email": "not-an-email", "confirm": "other"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The passwords do not match." in body
    assert 'href="#confirm"' in body, "the error summary links to the field"
    assert users(db_session, "not-an-email") == []


def test_forged_csrf_token_is_refused_and_changes_nothing(client, db_session):
    response = client.post("/register", data={**GOOD, "csrf_token": "forged"})
    assert response.status_code == 400
    assert "Your form expired or was sent from elsewhere" in response.get_data(as_text=True)
    assert users(db_session, "fiona.macleod@example.org") == []


def test_expired_verification_link_is_refused(client, db_session, factory, app, monkeypatch):
    post_form(client, "/register", GOOD)
    link = factory.link_in(factory.outbox("verify_email")[0])
    monkeypatch.setitem(app.config, "EMAIL_VERIFICATION_MAX_AGE", timedelta(seconds=-1))

    response = post_form(client, link)

    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
    [user] = users(db_session, "fiona.macleod@example.org")
    assert not user.is_verified


def test_tampered_verification_link_is_refused(client, db_session, factory):
    post_form(client, "/register", GOOD)
    link = factory.link_in(factory.outbox("verify_email")[0])
    response = post_form(client, link[:-3] + "xyz")
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)


def test_resend_sends_a_new_link_only_to_unconfirmed_accounts(client, db_session, factory):
    confirmed = factory.user(email="done@example.org")
    factory.user(email="waiting@example.org", verified=False)
    for email in ("done@example.org", "waiting@example.org", "nobody@example.org"):
        response = post_form(client, "/verify/resend", {"email": email})
        assert response.status_code == 302
    assert [m.recipient_email for m in factory.outbox("verify_email")] == ["waiting@example.org"]
    assert confirmed.is_verified
