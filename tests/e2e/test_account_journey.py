"""A new researcher's account journey in a real browser: register, confirm the emailed link, sign
in, edit the profile (with a mistake first), sign out, reset a forgotten password."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import demo_people
from tests.e2e.demo_people import enter_password, type_code_if_asked

pytestmark = pytest.mark.browser

NAME = "Priya Natarajan"
EMAIL = "priya.natarajan@example.org"
FIRST_PASSWORD = "sorghum-field-trial-4"
NEW_PASSWORD = "millet-harvest-season-9"


def register(page, email=EMAIL, password=FIRST_PASSWORD):
    demo_people.register(page, NAME, email, password)


def sign_in(page, email, password):
    enter_password(page, email, password)
    type_code_if_asked(page)


def test_account_journey(page, served, shot):
    register(page)
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    shot(page, "01-registered")

    email = served.wait_for_email(EMAIL, "Confirm your email address for Grants")
    page.goto(served.link_in(email))
    shot(page, "02-confirm-email")
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()

    sign_in(page, EMAIL, FIRST_PASSWORD)
    expect(page.get_by_role("heading", name=f"Welcome, {NAME}")).to_be_visible()
    shot(page, "03-signed-in")

    page.goto("/profile")
    page.get_by_label("ORCID iD").fill("0000-0001-5109-3701")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("not a valid ORCID iD")
    expect(page.locator(".error-summary")).to_be_focused()
    shot(page, "04-profile-error")

    page.get_by_label("ORCID iD").fill("0000-0001-5109-3700")
    page.get_by_label("Institution").select_option(label="University of Reading")
    page.get_by_label("Time zone").select_option("Asia/Shanghai")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("ORCID iD")).to_have_value("0000-0001-5109-3700")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Shanghai")
    shot(page, "05-profile-saved")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()

    page.goto("/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_text(f"If an account uses {EMAIL}")).to_be_visible()
    shot(page, "06-reset-requested")

    reset = served.wait_for_email(EMAIL, "Reset your Grants password")
    page.goto(served.link_in(reset))
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    shot(page, "07-new-password")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password has been changed")).to_be_visible()

    sign_in(page, EMAIL, FIRST_PASSWORD)
    expect(page.locator(".error-summary")).to_contain_text("The email address or password is incorrect.")
    sign_in(page, EMAIL, NEW_PASSWORD)
    expect(page.get_by_role("heading", name=f"Welcome, {NAME}")).to_be_visible()
    shot(page, "08-signed-in-with-new-password")


def test_registering_an_existing_address_says_so(page, shot):
    register(page, email="f.macleod@edinburgh.example.org")
    expect(page.locator(".error-summary")).to_contain_text("An account with this email address")
    shot(page, "09-duplicate-email")


def test_narrow_screen_and_keyboard_only_registration(browser, served, shot):
    context = browser.new_context(viewport={"width": 320, "height": 700}, base_url=served.origin)
    page = context.new_page()
    page.goto("/sign-in")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.goto("/register")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot(page, "10-register-320px")

    page.get_by_label("Full name").focus()
    page.keyboard.type("Keyboard Only")
    for text in ("keyboard.only@example.org", "rapeseed-oil-yield-2", "rapeseed-oil-yield-2"):
        page.keyboard.press("Tab")
        page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/register/check-your-email$"))
    context.close()
