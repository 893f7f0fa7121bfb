"""The demo's people as the browser tests sign in."""

from playwright.sync_api import expect

PASSWORD = "flagship-demo-2018"


def sign_in(page, email):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The welcome page, in whichever language the person's profile chose.
    expect(page.locator("form[action='/sign-out'] button")).to_be_visible()
