"""Idle and absolute session time-outs at their edges (on a frozen clock), what counts as
activity, and the 401 JSON a script gets when its session has ended, so no draft is lost."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.accounts.models import AuthSession
from grants.accounts.services.sessions import Activity, start_session, user_for_session
from grants.timeutil import clock_at, utcnow
from tests.integration.conftest import csrf_token, post_form

SECOND = timedelta(seconds=1)
JSON = {"Accept": "application/json"}


@pytest.fixture
def idle(app):
    return app.config["AUTH_SESSION_IDLE_TIMEOUT"]


@pytest.fixture
def signed_in_at(client, factory, sign_in):
    """A researcher signed in at a known moment; returns (user, that moment)."""
    user = factory.user()
    start = utcnow()
    with clock_at(start):
        sign_in(user)
    return user, start


def session_row(db_session, user) -> AuthSession:
    return db_session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)).one()


def status_at(client, moment, url="/profile"):
    with clock_at(moment):
        return client.get(url).status_code


@pytest.mark.parametrize(("offset", "status"), [(-SECOND, 200), (timedelta(0), 302), (SECOND, 302)])
def test_the_idle_time_out_ends_a_session_exactly_at_its_edge(client, signed_in_at, idle, offset, status):
    _user, start = signed_in_at
    assert status_at(client, start + idle + offset) == status


def test_staff_sessions_go_idle_sooner(app, factory, db_session):
    staff_idle = app.config["AUTH_SESSION_IDLE_TIMEOUT_STAFF"]
    assert staff_idle < app.config["AUTH_SESSION_IDLE_TIMEOUT"]
    officer, researcher = factory.user(roles=("officer",)), factory.user()
    start = utcnow()
    with clock_at(start):
        tokens = {person: start_session(person) for person in (officer, researcher)}
    with clock_at(start + staff_idle - SECOND):
        assert user_for_session(tokens[officer], Activity.NONE) == officer
    with clock_at(start + staff_idle + SECOND):
        assert user_for_session(tokens[researcher]) == researcher
        assert user_for_session(tokens[officer]) is None


@pytest.mark.parametrize(("offset", "status"), [(-SECOND, 200), (SECOND, 302)])
def test_the_absolute_time_out_ends_even_a_busy_session(
    app, client, signed_in_at, db_session, offset, status
):
    user, start = signed_in_at
    lifetime = app.config["AUTH_SESSION_LIFETIME"]
    row = session_row(db_session, user)
    row.last_seen_at = start + lifetime - timedelta(minutes=1)  # in use a minute ago
    db_session.commit()
    assert status_at(client, start + lifetime + offset) == status


def test_page_views_are_recorded_every_five_minutes_and_saves_every_time(client, signed_in_at, db_session):
    user, start = signed_in_at
    token = csrf_token(client)
    row = session_row(db_session, user)

    status_at(client, start + timedelta(minutes=4))
    db_session.refresh(row)
    assert row.last_seen_at == start, "a view within five minutes writes nothing"

    status_at(client, start + timedelta(minutes=5))
    db_session.refresh(row)
    assert row.last_seen_at == start + timedelta(minutes=5)

    saved_at = start + timedelta(minutes=6)
    with clock_at(saved_at):
        client.post("/account/session/keep-alive", data={"csrf_token": token}, headers=JSON)
    db_session.refresh(row)
    assert row.last_seen_at == saved_at, "a POST always counts"


def test_someone_reading_every_few_minutes_is_never_signed_out(client, signed_in_at):
    _user, start = signed_in_at
    for minutes in range(4, 3 * 60, 4):
        assert status_at(client, start + timedelta(minutes=minutes)) == 200, minutes


def test_asking_how_long_is_left_does_not_keep_the_session(client, signed_in_at, idle):
    _user, start = signed_in_at
    with clock_at(start + idle - timedelta(seconds=30)):
        answer = client.get("/account/session", headers=JSON)
    assert answer.status_code == 200
    assert answer.get_json()["left"] == 30
    assert answer.get_json()["csrf_token"]
    assert status_at(client, start + idle + SECOND) == 302


def test_stay_signed_in_gives_a_full_idle_period_again(client, signed_in_at, idle):
    _user, start = signed_in_at
    token = csrf_token(client)
    with clock_at(start + idle - timedelta(minutes=1)):
        answer = client.post("/account/session/keep-alive", data={"csrf_token": token}, headers=JSON)
    assert answer.get_json()["left"] == int(idle.total_seconds())
    assert status_at(client, start + 2 * idle - timedelta(minutes=2)) == 200


def test_pages_tell_the_script_when_the_session_will_end(client, signed_in_at, idle):
    _user, start = signed_in_at
    with clock_at(start + timedelta(minutes=3)):
        page = client.get("/profile").get_data(as_text=True)
    left = int(re.search(r'data-session-left="(\d+)"', page).group(1))
    assert left == int((idle - timedelta(minutes=3)).total_seconds())
    assert "data-session-notice" in page


def test_signed_out_pages_carry_no_session_clock(client):
    page = client.get("/").get_data(as_text=True)
    assert "data-session-left" not in page and "data-session-notice" not in page


@pytest.fixture
def draft_page(app, factory, sign_in):
    """A lead signed in at a known moment on their draft's details page: (client, application,
    CSRF token, sign-in moment)."""
    application = factory.draft(factory.call())
    browser = app.test_client()
    start = utcnow()
    with clock_at(start):
        sign_in(application.lead_applicant, http_client=browser)
        token = csrf_token(browser, f"/applications/{application.id}/details")
    return browser, application, token, start


def autosave(browser, application, token, **headers):
    data = {"csrf_token": token, "section": "details", "version": application.details_version}
    data.update(title="Heat-tolerant wheat", abstract="Words typed just now.")
    return browser.post(f"/applications/{application.id}/autosave", data=data, headers=headers)


def assert_signed_out_json(response):
    assert response.status_code == 401
    assert response.get_json()["signed_in"] is False
    assert response.get_json()["saved"] is False
    assert "Location" not in response.headers


def test_an_autosave_counts_as_activity(draft_page, idle, db_session):
    browser, application, token, start = draft_page
    with clock_at(start + idle - SECOND):
        assert autosave(browser, application, token, **JSON).status_code == 200
    with clock_at(start + 2 * idle - 2 * SECOND):
        assert browser.get(f"/applications/{application.id}/details").status_code == 200


def test_an_autosave_after_the_idle_time_out_gets_401_json_not_a_redirect(draft_page, idle, db_session):
    browser, application, token, start = draft_page
    with clock_at(start + idle + SECOND):
        assert_signed_out_json(autosave(browser, application, token, **JSON))
    db_session.refresh(application)
    assert application.abstract != "Words typed just now."


def test_an_autosave_after_a_sign_out_elsewhere_gets_401_json(app, draft_page, sign_in, factory):
    browser, application, token, _start = draft_page
    phone = app.test_client()
    sign_in(application.lead_applicant, http_client=phone)
    post_form(phone, "/account/sessions/end-others")
    assert_signed_out_json(autosave(browser, application, token, **JSON))


def test_an_autosave_after_a_password_change_elsewhere_gets_401_json(app, draft_page, sign_in, factory):
    browser, application, token, _start = draft_page
    phone = app.test_client()
    sign_in(application.lead_applicant, http_client=phone)
    new = {"pw-current_password": factory.PASSWORD, "pw-new_password": "barley-frost-2019-x"}
    post_form(phone, "/profile/password", {**new, "pw-confirm": "barley-frost-2019-x"})
    assert_signed_out_json(autosave(browser, application, token, **JSON))


def test_an_autosave_after_signing_out_in_another_tab_gets_401_json(draft_page):
    """Signing out clears the cookie session and its CSRF secret: still "signed out", not 400."""
    browser, application, token, _start = draft_page
    browser.post("/sign-out", data={"csrf_token": token})
    assert_signed_out_json(autosave(browser, application, token, **JSON))


def test_a_full_post_after_the_time_out_returns_to_the_form_after_sign_in(draft_page, idle):
    browser, application, token, start = draft_page
    page = f"/applications/{application.id}/details"
    with clock_at(start + idle + SECOND):
        response = browser.post(
            page, data={"csrf_token": token, "title": "x"}, headers={"Referer": f"http://localhost{page}"}
        )
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=" + page.replace("/", "%2F")
