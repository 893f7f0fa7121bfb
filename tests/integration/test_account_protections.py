"""The account protections the other sign-in and reset tests leave open: earlier reset links
dying, a link's hour measured by the clock, and a refusal that says nothing about whether an
account exists (its wording, its cost and its throttle)."""

import re

import pytest
from itsdangerous.timed import TimestampSigner

from tests.integration.conftest import post_form
from tests.integration.test_password_reset import NEW, request_reset

WRONG = {"password": "wrong-guess-1"}


@pytest.fixture
def signer_clock(monkeypatch):
    """Links are stamped and checked by itsdangerous's clock; this one is set by the test."""
    clock = {"now": 1_790_000_000}
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: clock["now"])
    return clock


def test_using_a_newer_reset_link_kills_the_older_one(client, factory, signer_clock):
    user = factory.user()
    older = request_reset(client, factory, user.email)
    signer_clock["now"] += 60
    newer = request_reset(client, factory, user.email)
    assert older != newer and client.get(older).status_code == 200

    assert post_form(client, newer, {"password": NEW, "confirm": NEW}).status_code == 302
    response = post_form(client, older, {"password": "second-" + NEW, "confirm": "second-" + NEW})
    assert response.status_code == 400
    assert "already been used" in response.get_data(as_text=True)
    assert post_form(client, "/sign-in", {"email": user.email, "password": NEW}).status_code == 302


def test_changing_the_password_kills_every_reset_link_sent_before(app, client, factory, sign_in):
    user = factory.user()
    link = request_reset(client, factory, user.email)
    signed_in = app.test_client()
    sign_in(user, http_client=signed_in)
    changed = post_form(
        signed_in,
        "/profile/password",
        {"pw-current_password": factory.PASSWORD, "pw-new_password": NEW, "pw-confirm": NEW},
    )
    assert changed.status_code == 302

    response = client.get(link)
    assert response.status_code == 400
    assert "already been used" in response.get_data(as_text=True)


def test_a_reset_link_works_for_its_hour_and_not_a_second_longer(client, factory, app, signer_clock):
    user = factory.user()
    link = request_reset(client, factory, user.email)
    lifetime = int(app.config["PASSWORD_RESET_MAX_AGE"].total_seconds())
    assert lifetime == 3600

    signer_clock["now"] += lifetime
    assert client.get(link).status_code == 200, "still valid at the end of its hour"
    signer_clock["now"] += 1
    response = post_form(client, link, {"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
    assert post_form(client, "/sign-in", {"email": user.email, "password": NEW}).status_code == 401


def _sign_in_page(app, email: str, address: str):
    """A first attempt from a fresh browser and address, so neither throttle is involved."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    response = post_form(browser, "/sign-in", {"email": email, **WRONG})
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    return response.status_code, re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1TOKEN", page)


def test_a_wrong_password_and_an_unknown_address_are_answered_alike(app, factory, monkeypatch):
    """Same status and page, the same password-hashing work (so the same time), and the same
    throttle: nothing in the answer says whether the account exists."""
    from grants.accounts.services import sessions

    hashed = []
    original = sessions.verify_password
    monkeypatch.setattr(sessions, "verify_password", lambda *a: hashed.append(1) or original(*a))
    existing = factory.user().email
    unknown = "nobody-here@example.org"

    known_answer = _sign_in_page(app, existing, "10.9.0.1")
    known_work = len(hashed)
    unknown_answer = _sign_in_page(app, unknown, "10.9.0.2")
    assert known_answer == unknown_answer
    assert known_answer[0] == 401
    assert known_work == 1 and len(hashed) == 2, "an unknown address costs one hash too"

    for email in (existing, unknown):  # one failure each so far, of the five a minute allowed
        browser = app.test_client()
        statuses = [post_form(browser, "/sign-in", {"email": email, **WRONG}).status_code for _ in range(5)]
        assert statuses == [401] * 4 + [429], email
