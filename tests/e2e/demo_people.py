"""People as the browser tests register and sign them in: the demo's, typing the two-factor code
where asked, and new ones."""

import time
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from grants.demo.seed import DEMO_TOTP_SECRET
from grants.security.totp import STEP_SECONDS, code_at

PASSWORD = "flagship-demo-2018"
CODE_FIELD = "input[name='code']"
SIGNED_IN = "form[action='/sign-out'] button"


def register(page, name: str, email: str, password: str) -> None:
    """Fill in and send the registration form."""
    page.goto("/register")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_role("button", name="Create account").click()


def enter_password(page, email: str, password: str = PASSWORD) -> None:
    """The first step of signing in: email and password, from the sign-in page."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page, email):
    enter_password(page, email)
    type_code_if_asked(page)
    # The welcome page, in whichever language the person's profile chose.
    expect(page.locator(SIGNED_IN)).to_be_visible()


def type_code_if_asked(page, secret: str = DEMO_TOTP_SECRET) -> None:
    """After the password: on the code page (officers and admins), type what an authenticator app
    holding ``secret`` shows. A code works once, so when an earlier sign-in in this session of
    tests used this step's code, type the next step's (the window accepts it); failing that, wait
    for the clock to reach a fresh step. A page with an error (a wrong password) is left as it is."""
    code_field = page.locator(CODE_FIELD)
    expect(code_field.or_(page.locator(SIGNED_IN)).or_(page.locator(".error-summary")).first).to_be_visible()
    if not code_field.is_visible():
        return
    for attempt in range(3):
        if attempt == 2:
            time.sleep(STEP_SECONDS - time.time() % STEP_SECONDS + 0.5)
        ahead = timedelta(seconds=STEP_SECONDS if attempt else 0)
        code_field.fill(code_at(secret, datetime.now(UTC) + ahead))
        code_field.press("Enter")
        expect(page.locator(SIGNED_IN).or_(page.locator(".error-summary")).first).to_be_visible()
        if page.locator(SIGNED_IN).is_visible():
            return
