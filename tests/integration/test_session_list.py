"""The sessions page: every browser signed in to one's account, and signing them out."""

from sqlalchemy import select

from grants.accounts.models import AuthSession
from grants.audit.models import AuditEvent
from tests.integration.conftest import csrf_token, post_form

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def browser_of(app, sign_in, user, agent, address="127.0.0.1"):
    """A test client signed in as ``user`` with this User-Agent and address."""
    browser = app.test_client()
    browser.environ_base.update(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    assert sign_in(user, http_client=browser).status_code == 302
    return browser


def rows_of(db_session, user):
    return db_session.scalars(
        select(AuthSession).where(AuthSession.user_id == user.id).order_by(AuthSession.id)
    ).all()


def test_the_page_lists_live_sessions_with_device_place_and_this_browser(app, factory, sign_in, db_session):
    user = factory.user()
    laptop = browser_of(app, sign_in, user, FIREFOX_WINDOWS, "81.2.69.160")
    browser_of(app, sign_in, user, SAFARI_IPHONE, "223.5.5.5")
    ended = browser_of(app, sign_in, user, SAFARI_IPHONE, "10.9.9.9")
    post_form(ended, "/sign-out")

    page = laptop.get("/account/sessions").get_data(as_text=True)

    assert "Firefox on Windows" in page and "81.2.69.160" in page
    assert "Safari on iOS" in page and "223.5.5.5" in page
    assert "10.9.9.9" not in page, "ended sessions are not listed"
    assert page.count("This browser") == 1
    this_row = page.split("This browser")[0].rsplit("<tr", 1)[1]
    assert "Firefox on Windows" in this_row
    assert page.count('class="button button-secondary button-small"') == 1, "no button for this browser"


def test_the_profile_links_to_the_sessions_page(client, factory, sign_in):
    sign_in(factory.user())
    assert 'href="/account/sessions"' in client.get("/profile").get_data(as_text=True)


def test_signing_out_another_session_ends_it_and_audits(app, factory, sign_in, db_session):
    user = factory.user()
    laptop = browser_of(app, sign_in, user, FIREFOX_WINDOWS)
    phone = browser_of(app, sign_in, user, SAFARI_IPHONE)
    phone_row = rows_of(db_session, user)[1]

    response = post_form(laptop, f"/account/sessions/{phone_row.id}/end")

    assert response.status_code == 303
    assert phone.get("/profile").status_code == 302, "the phone is signed out"
    assert laptop.get("/profile").status_code == 200, "this browser is not"
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "account.session_ended")).one()
    assert (event.actor_id, event.subject_id, event.changes) == (
        user.id,
        user.id,
        {"session": [phone_row.id, "ended"]},
    )


def test_another_person_s_session_is_not_found_and_keeps_working(app, factory, sign_in, db_session):
    me, other = factory.user(), factory.user()
    mine = browser_of(app, sign_in, me, FIREFOX_WINDOWS)
    theirs = browser_of(app, sign_in, other, SAFARI_IPHONE)
    their_row = rows_of(db_session, other)[0]

    assert post_form(mine, f"/account/sessions/{their_row.id}/end").status_code == 404
    assert post_form(mine, "/account/sessions/999999/end").status_code == 404
    assert theirs.get("/profile").status_code == 200
    db_session.refresh(their_row)
    assert their_row.ended_at is None


def test_this_browser_and_ended_sessions_cannot_be_ended_again(app, factory, sign_in, db_session):
    user = factory.user()
    laptop = browser_of(app, sign_in, user, FIREFOX_WINDOWS)
    phone = browser_of(app, sign_in, user, SAFARI_IPHONE)
    own_row, phone_row = rows_of(db_session, user)
    post_form(phone, "/sign-out")

    assert post_form(laptop, f"/account/sessions/{own_row.id}/end").status_code == 404
    assert post_form(laptop, f"/account/sessions/{phone_row.id}/end").status_code == 404
    assert laptop.get("/profile").status_code == 200


def test_ending_sessions_needs_a_post_with_csrf(app, factory, sign_in, db_session):
    user = factory.user()
    laptop = browser_of(app, sign_in, user, FIREFOX_WINDOWS)
    phone = browser_of(app, sign_in, user, SAFARI_IPHONE)
    phone_row = rows_of(db_session, user)[1]
    assert laptop.get(f"/account/sessions/{phone_row.id}/end").status_code == 405
    assert (
        laptop.post(f"/account/sessions/{phone_row.id}/end", data={"csrf_token": "forged"}).status_code == 400
    )
    assert laptop.post("/account/sessions/end-others").status_code == 400
    assert phone.get("/profile").status_code == 200


def test_signing_out_all_other_sessions_keeps_this_one(app, factory, sign_in, db_session):
    user = factory.user()
    laptop = browser_of(app, sign_in, user, FIREFOX_WINDOWS)
    others = [browser_of(app, sign_in, user, SAFARI_IPHONE) for _ in range(2)]

    response = post_form(laptop, "/account/sessions/end-others", follow_redirects=True)

    assert "2 other session(s) signed out." in response.get_data(as_text=True)
    assert [browser.get("/profile").status_code for browser in others] == [302, 302]
    assert laptop.get("/profile").status_code == 200
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.other_sessions_ended")
    ).one()
    assert event.changes == {"sessions": [2, 0]}


def test_an_admin_signs_an_account_out_everywhere(app, factory, sign_in, db_session):
    admin, person = factory.user(roles=("admin",)), factory.user()
    admin_browser = app.test_client()
    sign_in(admin, http_client=admin_browser)
    people = [browser_of(app, sign_in, person, SAFARI_IPHONE) for _ in range(2)]
    page = admin_browser.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert f'action="/admin/users/{person.id}/sessions/end"' in page

    response = post_form(admin_browser, f"/admin/users/{person.id}/sessions/end")

    assert response.status_code == 303
    assert [browser.get("/profile").status_code for browser in people] == [302, 302]
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.sessions_ended_by_admin")
    ).one()
    assert (event.actor_id, event.subject_id, event.changes) == (admin.id, person.id, {"sessions": [2, 0]})


def test_only_admins_may_sign_others_out(app, factory, sign_in):
    officer, person = factory.user(roles=("officer",)), factory.user()
    victim = browser_of(app, sign_in, person, SAFARI_IPHONE)
    intruder = app.test_client()
    sign_in(officer, http_client=intruder)
    token = csrf_token(intruder)
    assert (
        intruder.post(f"/admin/users/{person.id}/sessions/end", data={"csrf_token": token}).status_code == 403
    )
    assert victim.get("/profile").status_code == 200


def test_the_sessions_page_is_not_cached(client, factory, sign_in):
    sign_in(factory.user())
    page = client.get("/account/sessions")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Pragma"] == "no-cache"
