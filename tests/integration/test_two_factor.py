"""Two-factor authentication through the pages: enrolling, the sign-in code step, recovery codes,
throttling, the enrolment guard for officers and admins, turning it off, and an admin's reset."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from grants.accounts.models import AuthSession, RecoveryCode, User
from grants.accounts.roles import Role
from grants.accounts.services import two_factor
from grants.accounts.services.roles import grant_role
from grants.audit.models import AuditEvent
from grants.demo.demo_code import demo_code_command
from grants.demo.seed import DEMO_TOTP_SECRET
from grants.security import totp
from grants.security.totp import code_at, seal, time_step
from grants.timeutil import utcnow
from tests.factories import TOTP_SECRET, totp_code
from tests.integration.conftest import CSRF_PATTERN, csrf_token, post_form

KEY = re.compile(r'id="totp-key">([A-Z2-7 ]+)<')
CODES = re.compile(r"<li><code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{2})</code></li>")


def password_step(client, user, **query):
    path = "/sign-in" + (f"?next={query['next']}" if query else "")
    return post_form(client, path, {"email": user.email, "password": "wheat-rust-2018-trial"})


def sessions_of(db_session, user) -> list[AuthSession]:
    return db_session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)).all()


def setup_page(client) -> tuple[str, str]:
    """Visit the setup page: the secret it shows and the form's CSRF token (read from the same
    page, since every visit shows a new secret and other pages may be out of reach yet)."""
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    assert "<svg" in page  # the QR code, inline
    token = CSRF_PATTERN.search(page)
    return KEY.search(page).group(1).replace(" ", ""), token.group(1) or token.group(2)


def confirm_setup(client, token: str, secret: str):
    return client.post(
        "/account/two-factor/setup", data={"csrf_token": token, "code": code_at(secret, utcnow())}
    )


def enrol(client) -> list[str]:
    """Set up two-factor for the signed-in person through the pages; returns the recovery codes."""
    secret, token = setup_page(client)
    shown = confirm_setup(client, token, secret)
    assert shown.status_code == 200
    return CODES.findall(shown.get_data(as_text=True))


def test_a_researcher_enrols_and_then_signs_in_with_a_code(client, factory, sign_in, db_session):
    user = factory.user()
    sign_in(user)
    codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert user.totp_enabled_at is not None
    stored = db_session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # digests only
    assert factory.outbox("two_factor_changed", recipient=user.email)

    post_form(client, "/sign-out")
    before = len(sessions_of(db_session, user))
    response = password_step(client, user, next="/profile")
    assert response.headers["Location"] == "/sign-in/code"
    assert len(sessions_of(db_session, user)) == before  # no session until the code is right
    assert client.get("/profile").status_code == 302

    secret = two_factor.secret_of(user)
    finished = post_form(client, "/sign-in/code", {"code": code_at(secret, utcnow() + timedelta(seconds=30))})
    assert finished.headers["Location"] == "/profile"
    assert client.get("/profile").status_code == 200


def test_a_wrong_code_is_refused_and_starts_no_session(client, factory, db_session):
    officer = factory.officer()
    password_step(client, officer)
    response = post_form(client, "/sign-in/code", {"code": "000000"})
    assert response.status_code == 422
    assert "That code is not right" in response.get_data(as_text=True)
    assert sessions_of(db_session, officer) == []


def test_a_code_works_only_once(app, client, factory, db_session):
    officer = factory.officer()
    code = totp_code()
    password_step(client, officer)
    assert post_form(client, "/sign-in/code", {"code": code}).status_code == 302
    post_form(client, "/sign-out")

    other = app.test_client()
    password_step(other, officer)
    replayed = post_form(other, "/sign-in/code", {"code": code})
    assert replayed.status_code == 422
    assert len(sessions_of(db_session, officer)) == 1


def test_a_recovery_code_signs_in_once_only_and_is_announced(client, factory, sign_in, db_session):
    user = factory.user()
    sign_in(user)
    codes = enrol(client)
    post_form(client, "/sign-out")

    password_step(client, user)
    assert post_form(client, "/sign-in/code", {"code": codes[0].upper()}).status_code == 302
    [mail] = factory.outbox("recovery_code_used", recipient=user.email)
    assert mail.context["left"] == 9
    event = db_session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "account.second_factor_used")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.changes == {"method": [None, "recovery code"]}
    assert codes[0] not in str(event.changes)
    post_form(client, "/sign-out")

    password_step(client, user)
    assert post_form(client, "/sign-in/code", {"code": codes[0]}).status_code == 422


def test_wrong_codes_are_throttled_per_account(client, factory):
    officer = factory.officer()
    password_step(client, officer)
    statuses = [post_form(client, "/sign-in/code", {"code": "123456"}).status_code for _ in range(6)]
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429
    # The right code is throttled too until the minute passes: the limit guards the account.
    assert post_form(client, "/sign-in/code", {"code": totp_code()}).status_code == 429


def test_the_code_step_expires_after_five_minutes(client, factory, monkeypatch):
    officer = factory.officer()
    password_step(client, officer)
    later = utcnow() + timedelta(minutes=5, seconds=5)
    monkeypatch.setattr("grants.accounts.views.signing_in.utcnow", lambda: later)
    response = post_form(client, "/sign-in/code", {"code": totp_code(later)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/profile").status_code == 302


def test_the_session_cookie_is_cleared_when_the_real_session_starts(client, factory):
    officer = factory.officer()
    password_step(client, officer)
    with client.session_transaction() as session:
        assert "pending_sign_in" in session
        session["planted"] = "by an attacker"
    post_form(client, "/sign-in/code", {"code": totp_code()})
    with client.session_transaction() as session:
        assert "planted" not in session and "pending_sign_in" not in session


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_officers_and_admins_without_two_factor_can_reach_only_the_setup(client, factory, sign_in, role):
    person = factory.user(roles=[role], two_factor=False)
    sign_in(person)
    for path in ("/", "/profile", "/manage/calls", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/account/two-factor/setup"
    assert client.get("/account/two-factor/setup").status_code == 200
    assert client.get("/healthz").status_code == 200
    with client.get("/static/css/grants.css") as static:
        assert static.status_code == 200
    token = csrf_token(client, "/account/two-factor/setup")
    language = client.post("/language", data={"csrf_token": token, "language": "en"})
    assert language.headers["Location"] != "/account/two-factor/setup"
    blocked = client.post("/profile", data={"csrf_token": token, "full_name": "X"})
    assert (blocked.status_code, blocked.headers["Location"]) == (303, "/account/two-factor/setup")

    enrol(client)
    assert client.get("/profile").status_code == 200


def test_a_role_granted_mid_session_meets_the_guard_at_the_next_request(client, factory, sign_in, db_session):
    person = factory.user()
    admin = factory.user(roles=[Role.ADMIN])
    sign_in(person)
    assert client.get("/profile").status_code == 200
    grant_role(admin, person, Role.OFFICER)
    db_session.flush()
    assert client.get("/profile").headers["Location"] == "/account/two-factor/setup"


def test_a_researcher_may_turn_it_off_an_officer_may_not(client, factory, sign_in, db_session):
    user = factory.user()
    sign_in(user)
    enrol(client)
    assert "Turn off two-factor" in client.get("/account/two-factor").get_data(as_text=True)
    assert post_form(client, "/account/two-factor/off").status_code == 303
    assert user.totp_enabled_at is None and user.totp_secret is None
    assert db_session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    assert [m.context["change"] for m in factory.outbox("two_factor_changed", recipient=user.email)] == [
        "enabled",
        "disabled",
    ]
    post_form(client, "/sign-out")

    officer = factory.officer()
    sign_in(officer)
    assert "Turn off two-factor" not in client.get("/account/two-factor").get_data(as_text=True)
    refused = post_form(client, "/account/two-factor/off", follow_redirects=True)
    assert "Your role requires two-factor authentication" in refused.get_data(as_text=True)
    assert officer.totp_enabled_at is not None


def test_regenerating_recovery_codes_retires_the_old_ones(client, factory, sign_in, db_session):
    user = factory.user()
    sign_in(user)
    old = enrol(client)
    page = post_form(client, "/account/two-factor/recovery-codes")
    new = CODES.findall(page.get_data(as_text=True))
    assert len(new) == 10 and not set(old) & set(new)
    assert not two_factor.verify_second_factor(user, old[1], utcnow())
    assert two_factor.verify_second_factor(user, new[1], utcnow())


def test_an_admin_resets_a_lost_phone_and_the_officer_enrols_again(app, client, factory, sign_in, db_session):
    officer = factory.officer()
    admin = factory.user(roles=[Role.ADMIN])
    sign_in(admin)
    assert "Reset two-factor authentication" in client.get(f"/admin/users/{officer.id}").get_data(
        as_text=True
    )
    assert post_form(client, f"/admin/users/{officer.id}/two-factor/reset").status_code == 303
    db_session.refresh(officer)
    assert officer.totp_enabled_at is None
    [mail] = factory.outbox("two_factor_changed", recipient=officer.email)
    assert mail.context["change"] == "reset"
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.two_factor_reset")
    ).one()
    assert (event.actor_id, event.subject_id) == (admin.id, officer.id)

    phone_lost = app.test_client()
    response = password_step(phone_lost, officer)
    assert response.headers["Location"] == "/"  # password alone now...
    assert phone_lost.get("/manage/calls").headers["Location"] == "/account/two-factor/setup"  # ...then setup


def test_only_admins_reset_two_factor(client, factory, sign_in):
    officer = factory.officer()
    sign_in(factory.officer())
    assert post_form(client, f"/admin/users/{officer.id}/two-factor/reset").status_code == 403
    assert officer.totp_secret is not None


def test_factory_officers_share_the_test_secret(factory):
    officer = factory.officer()
    assert two_factor.secret_of(officer) == TOTP_SECRET


def test_a_code_a_concurrent_request_just_accepted_is_refused(factory, db_session):
    """Two requests racing with one code: the database, not the loaded row, decides which wins."""
    officer = factory.officer()
    step = time_step(utcnow())
    db_session.execute(
        update(User)
        .where(User.id == officer.id)
        .values(totp_last_step=step + 1)
        .execution_options(synchronize_session=False)
    )
    assert officer.totp_last_step is None  # what this request loaded
    assert not two_factor.verify_second_factor(officer, totp_code(), utcnow())


def test_demo_code_prints_a_demo_account_s_code_in_development_only(app, factory, monkeypatch):
    demo = factory.user(roles=[Role.OFFICER], two_factor=False)
    demo.totp_secret = seal(DEMO_TOTP_SECRET, app.config["SECRET_KEY"])
    demo.totp_enabled_at = utcnow()
    other_officer = factory.officer()
    runner = app.test_cli_runner()

    printed = runner.invoke(demo_code_command, [demo.email])
    assert printed.exit_code == 0
    assert totp.matching_step(DEMO_TOTP_SECRET, printed.output.strip(), utcnow(), None) is not None
    assert runner.invoke(demo_code_command, [other_officer.email]).exit_code == 1  # not the demo key

    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    refused = runner.invoke(demo_code_command, [demo.email])
    assert refused.exit_code == 1 and "production" in refused.output


def test_a_secret_sealed_under_another_secret_key_refuses_the_code_without_failing(client, factory):
    officer = factory.officer(totp_secret=seal(TOTP_SECRET, "an-earlier-secret-key-that-was-rotated-away"))
    password_step(client, officer)
    assert post_form(client, "/sign-in/code", {"code": totp_code()}).status_code == 422


class LimiterClock:
    """The rate limiter's clock (the ``limits`` package reads ``time.time()``), moved by hand."""

    def __init__(self, monkeypatch):
        self.now = time.time()
        for module in ("limits.storage.memory", "limits.strategies"):
            monkeypatch.setattr(f"{module}.time", SimpleNamespace(time=lambda: self.now))

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_every_visit_to_the_setup_page_shows_a_new_secret_and_writes_nothing(client, factory, sign_in):
    user = factory.user()
    sign_in(user)
    first, _token = setup_page(client)
    second, token = setup_page(client)
    assert first != second
    assert user.totp_secret is None and user.totp_enabled_at is None  # kept in this browser only
    assert confirm_setup(client, token, first).status_code == 422  # the page before is not this one
    assert confirm_setup(client, token, second).status_code == 200


def test_a_secret_shown_in_another_browser_cannot_be_confirmed_and_enrolling_ends_it(
    app, client, factory, sign_in
):
    owner = factory.user()
    attacker = app.test_client()  # someone who knows the password
    sign_in(owner, http_client=attacker)
    planted, _token = setup_page(attacker)
    sign_in(owner)
    own, token = setup_page(client)
    assert own != planted

    refused = confirm_setup(client, token, planted)
    assert refused.status_code == 422
    assert owner.totp_enabled_at is None
    shown = confirm_setup(client, token, own)
    assert shown.status_code == 200
    assert "1 other session(s) signed out" in shown.get_data(as_text=True)
    assert two_factor.secret_of(owner) == own
    assert attacker.get("/profile").headers["Location"].startswith("/sign-in")
    assert client.get("/profile").status_code == 200


def test_pages_showing_secrets_are_not_cached(client, factory, sign_in):
    user = factory.user()
    sign_in(user)
    setup = client.get("/account/two-factor/setup")
    enrol(client)
    codes = post_form(client, "/account/two-factor/recovery-codes")
    assert codes.status_code == 200
    for response in (setup, codes):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Pragma"] == "no-cache"


def test_wrong_codes_are_capped_per_hour_and_per_day_and_the_owner_is_warned_once(
    client, factory, monkeypatch
):
    clock = LimiterClock(monkeypatch)
    officer = factory.officer()

    def wrong_minute() -> list[int]:
        password_step(client, officer)  # the code step waits five minutes at most
        statuses = [post_form(client, "/sign-in/code", {"code": "123456"}).status_code for _ in range(5)]
        clock.advance(61)
        return statuses

    for minute in range(4):
        assert wrong_minute() == [422] * 5, minute
        warned = factory.outbox("two_factor_wrong_codes", recipient=officer.email)
        assert len(warned) == (0 if minute == 0 else 1)  # at the tenth wrong code, and only then
    password_step(client, officer)
    assert post_form(client, "/sign-in/code", {"code": "123456"}).status_code == 429  # 20 this hour
    [mail] = factory.outbox("two_factor_wrong_codes", recipient=officer.email)
    assert mail.context["link"].endswith("/password/forgot")

    clock.advance(3600)
    for _minute in range(4):
        assert wrong_minute() == [422] * 5  # 40 today
    clock.advance(3600)
    assert wrong_minute() + wrong_minute() == [422] * 10  # 50 today...
    assert wrong_minute() == [429] * 5  # ...and no more until tomorrow
    clock.advance(24 * 3600)
    assert wrong_minute()[0] == 422


def test_an_admin_reset_signs_the_person_out_everywhere(app, client, factory, sign_in):
    officer = factory.officer()
    laptop = app.test_client()
    sign_in(officer, http_client=laptop)
    assert laptop.get("/profile").status_code == 200
    admin = factory.user(roles=[Role.ADMIN])
    sign_in(admin)
    page = client.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert "every browser signed in to this account is signed out; the person signs in" in page

    done = post_form(client, f"/admin/users/{officer.id}/two-factor/reset", follow_redirects=True)
    assert "who is signed out everywhere (1 sessions)" in done.get_data(as_text=True)
    assert laptop.get("/profile").headers["Location"].startswith("/sign-in")


def test_the_session_clock_answers_json_to_an_officer_who_must_still_enrol(client, factory, sign_in):
    sign_in(factory.user(roles=[Role.OFFICER], two_factor=False))
    status = client.get("/account/session", headers={"Accept": "application/json"})
    assert status.status_code == 200
    assert status.get_json()["signed_in"] is True
    assert client.get("/profile").headers["Location"] == "/account/two-factor/setup"


def test_a_visitor_s_language_carries_through_the_code_step(client, factory):
    officer = factory.officer(language="zh_Hans")
    post_form(client, "/language", {"language": "zh_Hans"})
    password_step(client, officer)
    code_page = client.get("/sign-in/code")
    assert '<html lang="zh-Hans"' in code_page.get_data(as_text=True)
    finished = post_form(client, "/sign-in/code", {"code": totp_code()})
    assert finished.status_code == 302
    assert '<html lang="zh-Hans"' in client.get(finished.headers["Location"]).get_data(as_text=True)
