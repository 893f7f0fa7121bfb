"""Changing one's email address: recent authentication, a single-use link to the new address, a
notice to the old one, and only the signed-in owner completing it."""

import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select, update

from grants.accounts.models import User
from grants.accounts.services import email_change
from grants.audit.models import AuditEvent
from grants.errors import InvalidToken
from grants.timeutil import clock_at, utcnow
from tests.integration.conftest import post_form

NEW = "wang.lei@new-institute.example.org"


@pytest.fixture
def owner(client, factory, sign_in):
    user = factory.user(email="wang.lei@cau.example.org")
    sign_in(user)
    return user


def ask_for(client, address):
    return post_form(client, "/account/email", {"new_email": address})


def confirmation_link(factory) -> str:
    [message] = factory.outbox("email_change_confirm")
    return factory.link_in(message)


def test_asking_sends_a_link_to_the_new_address_and_a_notice_to_the_old(client, factory, owner, db_session):
    response = ask_for(client, "  Wang.Lei@New-Institute.example.org ")

    assert response.status_code == 303
    [confirm] = factory.outbox("email_change_confirm")
    [notice] = factory.outbox("email_change_notice")
    assert confirm.recipient_email == NEW
    assert notice.recipient_email == "wang.lei@cau.example.org"
    assert notice.context["masked"] == "w***@new-institute.example.org"
    assert NEW not in str(notice.context)
    db_session.refresh(owner)
    assert owner.email == "wang.lei@cau.example.org", "nothing changes before the link is followed"
    assert db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.email_change_requested")
    ).one()


@pytest.mark.parametrize(
    ("address", "status", "message"),
    [
        ("not-an-address", 422, "Enter a valid email address"),
        ("WANG.LEI@cau.example.org", 422, "That is already your email address."),
        ("", 422, "Enter your new email address."),
    ],
)
def test_bad_addresses_are_refused_and_nothing_is_sent(client, factory, owner, address, status, message):
    response = ask_for(client, address)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert factory.outbox("email_change_confirm") == []


def test_an_address_another_account_uses_is_refused_as_registration_would(client, factory, owner):
    factory.user(email=NEW)
    response = ask_for(client, NEW)
    assert response.status_code == 409
    assert "Another account already uses this email address." in response.get_data(as_text=True)
    assert factory.outbox("email_change_confirm") == []


def test_asking_needs_a_recent_proof_of_identity(app, client, factory, owner):
    later = utcnow() + app.config["REAUTHENTICATION_WINDOW"] + timedelta(minutes=1)
    with clock_at(later):
        response = client.get("/account/email")
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/account/confirm-identity?next=")
        assert ask_for(client, NEW).status_code == 303
    assert factory.outbox("email_change_confirm") == [], "the POST was sent to prove identity first"


def test_following_the_link_signed_in_changes_the_address_once(
    app, client, factory, owner, sign_in, db_session
):
    phone = app.test_client()
    sign_in(owner, http_client=phone)
    ask_for(client, NEW)
    link = confirmation_link(factory)

    page = client.get(link)
    assert page.status_code == 200 and NEW in page.get_data(as_text=True)
    response = post_form(client, link, follow_redirects=True)

    assert f"Your email address is now {NEW}." in response.get_data(as_text=True)
    db_session.refresh(owner)
    assert owner.email == NEW and owner.email_verified_at is not None
    assert phone.get("/profile").status_code == 302, "other sessions end"
    assert client.get("/profile").status_code == 200, "this one stays"
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "account.email_changed")).one()
    assert event.changes == {"email": ["wang.lei@cau.example.org", NEW]}

    again = post_form(client, link)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_the_link_does_nothing_for_another_account_or_a_visitor(
    app, client, factory, owner, sign_in, db_session
):
    ask_for(client, NEW)
    link = confirmation_link(factory)

    stranger = app.test_client()
    sign_in(factory.user(), http_client=stranger)
    assert stranger.get(link).status_code == 400
    refused = post_form(stranger, link)
    assert refused.status_code == 400
    assert "This link belongs to another account." in refused.get_data(as_text=True)

    visitor = app.test_client()
    response = visitor.get(link)
    assert response.status_code == 302 and "/sign-in?next=" in response.headers["Location"]
    db_session.refresh(owner)
    assert owner.email == "wang.lei@cau.example.org"


def test_the_link_works_for_a_day(app, client, factory, owner, db_session, monkeypatch):
    signed_at = int(time.time())
    ask_for(client, NEW)
    link = confirmation_link(factory)
    max_age = int(app.config["EMAIL_CHANGE_MAX_AGE"].total_seconds())

    # The link's age is read from its signature's clock (itsdangerous), so that clock moves here.
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: signed_at + max_age - 1)
    assert client.get(link).status_code == 200
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: signed_at + max_age + 2)
    response = post_form(client, link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert db_session.get(User, owner.id).email == "wang.lei@cau.example.org"


def test_an_address_taken_meanwhile_is_refused_at_the_link(client, factory, owner, db_session):
    ask_for(client, NEW)
    link = confirmation_link(factory)
    factory.user(email=NEW)
    response = post_form(client, link)
    assert response.status_code == 400
    assert "Another account already uses this email address." in response.get_data(as_text=True)
    assert db_session.get(User, owner.id).email == "wang.lei@cau.example.org"


def test_the_profile_offers_the_change(client, owner):
    assert 'href="/account/email"' in client.get("/profile").get_data(as_text=True)


def test_of_two_links_followed_at_once_the_second_sees_the_first_s_change(client, factory, owner, db_session):
    """The second request waits on the user row's lock; once the first commits, it reads the
    address the first set, so its link counts as used. The first's commit is stood in for by an
    UPDATE this session does not see (as in test_row_locks)."""
    ask_for(client, NEW)
    ask_for(client, "wang.lei@third-institute.example.org")
    second = factory.link_in(factory.outbox("email_change_confirm")[1]).rsplit("/", 1)[1]
    db_session.execute(
        update(User).where(User.id == owner.id).values(email=NEW).execution_options(synchronize_session=False)
    )
    assert owner.email == "wang.lei@cau.example.org"  # what this request loaded

    with pytest.raises(InvalidToken, match="already been used"):
        email_change.confirm_email_change(owner, second, None, utcnow())
    assert db_session.get(User, owner.id).email == NEW
