"""Password reset by a signed, expiring, single-use link; it ends every session."""

from datetime import timedelta

from tests.integration.conftest import post_form

NEW = "harvest-moon-over-nanjing"


def request_reset(client, factory, email):
    response = post_form(client, "/password/forgot", {"email": email})
    assert response.status_code == 302
    messages = factory.outbox("password_reset", recipient=email)
    return factory.link_in(messages[-1]) if messages else None


def test_reset_link_sets_a_new_password_once(client, factory, db_session):
    user = factory.user()
    link = request_reset(client, factory, user.email)
    assert client.get(link).status_code == 200

    response = post_form(client, link, {"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert post_form(client, "/sign-in", {"email": user.email, "password": NEW}).status_code == 302
    assert factory.outbox("password_changed", recipient=user.email)

    post_form(client, "/sign-out")
    reused = client.get(link)
    assert reused.status_code == 400
    assert "already been used" in reused.get_data(as_text=True)


def test_unknown_addresses_get_the_same_answer_and_no_email(client, factory):
    response = post_form(client, "/password/forgot", {"email": "nobody@example.org"})
    assert response.status_code == 302
    page = client.get("/sign-in").get_data(as_text=True)
    assert "If an account uses nobody@example.org" in page
    assert factory.outbox() == []


def test_expired_reset_link_is_refused(client, factory, app, monkeypatch):
    user = factory.user()
    link = request_reset(client, factory, user.email)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", timedelta(seconds=-1))
    response = post_form(client, link, {"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
    assert post_form(client, "/sign-in", {"email": user.email, "password": NEW}).status_code == 401


def test_reset_ends_every_signed_in_session(app, client, factory, sign_in):
    user = factory.user()
    other_device = app.test_client()
    sign_in(user, http_client=other_device)
    assert other_device.get("/profile").status_code == 200

    link = request_reset(client, factory, user.email)
    post_form(client, link, {"password": NEW, "confirm": NEW})

    assert other_device.get("/profile").status_code == 302


def test_weak_new_password_is_refused_and_the_link_still_works(client, factory, sign_in):
    user = factory.user()
    link = request_reset(client, factory, user.email)
    response = post_form(client, link, {"password": "qwerty123", "confirm": "qwerty123"})
    assert response.status_code == 422
    assert "most common" in response.get_data(as_text=True)
    assert client.get(link).status_code == 200
    assert sign_in(user).status_code == 302


def test_reset_link_host_comes_from_configuration_not_the_request(client, factory, app, monkeypatch):
    user = factory.user()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # the forged host has no cookie
    response = client.post("/password/forgot", data={"email": user.email}, headers={"Host": "evil.example"})
    assert response.status_code == 302
    [message] = factory.outbox("password_reset")
    assert message.context["link"].startswith(app.config["PUBLIC_BASE_URL"] + "/password/reset/")
