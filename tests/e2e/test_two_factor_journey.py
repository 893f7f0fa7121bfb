"""Two-factor in a real browser: a new researcher turns it on from the profile (reading the key
shown as text, as someone who cannot scan would, and computing the code as their app would),
keeps the recovery codes, signs in again with the code, then with a recovery code, and gets the
emails saying so; and the demo officer meets the code step at sign-in."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from grants.security.totp import STEP_SECONDS, code_at
from tests.e2e.accessibility import assert_accessible
from tests.e2e.demo_people import enter_password, register
from tests.e2e.demo_people import sign_in as demo_sign_in

pytestmark = pytest.mark.browser

NAME = "Amara Obi"
EMAIL = "amara.obi@example.org"
PASSWORD = "cassava-mosaic-trial-7"
OFFICER = "officer@ukri.example.org"


def register_and_confirm(page, served):
    register(page, NAME, EMAIL, PASSWORD)
    page.goto(served.link_in(served.wait_for_email(EMAIL, "Confirm your email address for Grants")))
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()


def password_step(page):
    enter_password(page, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()


def test_turning_on_two_factor_and_signing_in_with_it(page, served, shot):
    register_and_confirm(page, served)
    enter_password(page, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", name=f"Welcome, {NAME}")).to_be_visible()

    page.goto("/profile")
    page.get_by_role("link", name="Manage two-factor authentication").click()
    page.get_by_role("link", name="Set up two-factor authentication").click()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    secret = page.locator("#totp-key").inner_text().replace(" ", "")
    shot(page, "70-two-factor-setup")
    assert_accessible(page, "two-factor setup")

    page.get_by_label("Code from your app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".error-summary")).to_contain_text("That code is not right")
    page.get_by_label("Code from your app").fill(code_at(secret, datetime.now(UTC)))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    shot(page, "71-recovery-codes")
    assert_accessible(page, "recovery codes")
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_text("Unused recovery codes: 10.")).to_be_visible()
    served.wait_for_email(EMAIL, "Two-factor authentication on your Grants account changed")

    page.locator("form[action='/sign-out'] button").click()
    password_step(page)
    shot(page, "72-sign-in-code")
    assert_accessible(page, "sign-in code")
    # The code of the next step: the one the setup used is spent, and the window accepts the next.
    page.get_by_label("Authentication code").fill(
        code_at(secret, datetime.now(UTC) + timedelta(seconds=STEP_SECONDS))
    )
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Welcome, {NAME}")).to_be_visible()

    page.locator("form[action='/sign-out'] button").click()
    password_step(page)
    page.get_by_label("Authentication code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Welcome, {NAME}")).to_be_visible()
    served.wait_for_email(EMAIL, "A recovery code was used to sign in to Grants")
    page.goto("/account/two-factor")
    expect(page.get_by_text("Unused recovery codes: 9.")).to_be_visible()
    shot(page, "73-two-factor-settings")
    assert_accessible(page, "two-factor settings")


def test_the_demo_officer_signs_in_with_a_code(page, shot):
    demo_sign_in(page, OFFICER)
    page.goto("/account/two-factor")
    expect(
        page.get_by_text("Your role requires two-factor authentication, so it cannot be turned off.")
    ).to_be_visible()
    shot(page, "74-officer-two-factor")
