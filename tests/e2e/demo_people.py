"""People as the browser tests register and sign them in: the demo's, typing the two-factor code
where asked, and new ones."""

import time
from datetime import UTC, datetime

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


# The last time step whose code this test process typed, per secret. Accounts sharing a secret
# each remember their own last step, so never reusing a step across them is on the safe side.
_LAST_STEP: dict[str, int] = {}


def type_code_if_asked(page, secret: str = DEMO_TOTP_SECRET) -> None:
    """After the password: on the code page (officers and admins), type what an authenticator app
    holding ``secret`` shows. A code works once and a refused one counts against the account's
    hourly limit, so never type a step's code twice: take the next step's (the window accepts one
    step ahead), or wait for the clock when that is used too. A page with an error (a wrong
    password) is left as it is."""
    code_field = page.locator(CODE_FIELD)
    expect(code_field.or_(page.locator(SIGNED_IN)).or_(page.locator(".error-summary")).first).to_be_visible()
    if not code_field.is_visible():
        return
    current = int(time.time() // STEP_SECONDS)
    step = max(current, _LAST_STEP.get(secret, current - 1) + 1)
    if step > current + 1:
        time.sleep((step - 1) * STEP_SECONDS - time.time() + 0.5)
    _LAST_STEP[secret] = step
    code_field.fill(code_at(secret, datetime.fromtimestamp(step * STEP_SECONDS, UTC)))
    code_field.press("Enter")
    expect(page.locator(SIGNED_IN)).to_be_visible()
