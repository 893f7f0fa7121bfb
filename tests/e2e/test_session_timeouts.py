"""Time-outs never eat a draft, in a real browser: the page warns before the idle time-out and can
stay signed in; text typed after the session ended (idle, or signed out from another device) is
kept in the browser and saved once its owner signs in again, here or in another tab. The served
app's idle time-out is shortened to seconds."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.demo_people import PASSWORD, sign_in
from tests.e2e.served import ServedGrants
from tests.services import require_chromium

pytestmark = pytest.mark.browser

LEAD = "f.macleod@edinburgh.example.org"
TITLE = "Resilient rice and wheat under heat stress"
IDLE_SECONDS = 20
WARN_SECONDS = 10


@pytest.fixture(scope="module")
def short_sessions(tmp_path_factory):
    require_chromium()
    with ServedGrants(
        tmp_path_factory.mktemp("short-sessions"),
        AUTH_SESSION_IDLE_TIMEOUT=str(IDLE_SECONDS),
        AUTH_SESSION_WARNING=str(WARN_SECONDS),
    ) as grants:
        yield grants


@pytest.fixture
def lead(new_person, short_sessions):
    """The demo's UK lead, signed in, on the project details of their seeded draft."""
    page = new_person(short_sessions.origin)
    sign_in(page, LEAD)
    open_details(page)
    return page


def open_details(page):
    page.goto("/applications")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Project details").click()
    expect(page.get_by_label("Abstract")).to_be_visible()


def sign_out_elsewhere(new_person, origin, shot=None):
    """The lead, on another device, signs every other session out from the sessions page (reached
    from the profile)."""
    phone = new_person(origin)
    sign_in(phone, LEAD)
    phone.goto("/profile")
    phone.get_by_role("link", name="See where you are signed in").click()
    expect(phone.locator(".sessions-table tbody tr").filter(has_text="This browser")).to_have_count(1)
    if shot:
        shot(phone, "session-00-sessions-page")
    phone.get_by_role("button", name="Sign out all other sessions").click()
    expect(phone.get_by_text(re.compile(r"\d+ other session\(s\) signed out\."))).to_be_visible()
    return phone


def notice(page, which: str):
    """One of the session notice's messages: "warning", "ended" or "restored"."""
    return page.locator(f"[data-session-notice] [data-session-when={which}]")


def sign_in_here(page):
    page.get_by_label("Email address").fill(LEAD)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_page_warns_before_the_idle_time_out_and_keeps_text_typed_after_it(lead, shot):
    abstract = lead.get_by_label("Abstract")
    abstract.press("Control+End")
    abstract.type(" Saved before the warning.")
    expect(lead.locator("[data-autosave-status]")).to_contain_text("Saved at", timeout=10_000)

    expect(notice(lead, "warning")).to_be_visible(timeout=20_000)
    expect(notice(lead, "warning")).to_contain_text("You will be signed out soon for inactivity.")
    shot(lead, "session-01-idle-warning")
    lead.get_by_role("button", name="Stay signed in").click()
    expect(lead.locator("[data-session-notice]")).to_be_hidden()

    expect(notice(lead, "ended")).to_be_visible(timeout=(IDLE_SECONDS + 10) * 1000)
    abstract.press("Control+End")
    abstract.type(" Typed after the time-out.")
    expect(lead.locator("[data-autosave-status]")).to_contain_text("you have been signed out", timeout=10_000)
    shot(lead, "session-02-signed-out-text-kept")

    notice(lead, "ended").get_by_role("link", name="sign in again").click()
    sign_in_here(lead)
    expect(lead.get_by_label("Abstract")).to_have_value(re.compile("Typed after the time-out.$"))
    expect(notice(lead, "restored")).to_be_visible()
    expect(lead.locator("[data-autosave-status]")).to_contain_text("Saved at", timeout=10_000)
    shot(lead, "session-03-restored-and-saved")
    lead.reload()
    expect(lead.get_by_label("Abstract")).to_have_value(
        re.compile("Saved before the warning. Typed after the time-out.$")
    )


def test_text_typed_after_a_sign_out_elsewhere_is_saved_once_signed_in_in_another_tab(
    lead, new_person, short_sessions, shot
):
    sign_out_elsewhere(new_person, short_sessions.origin, shot)
    keywords = lead.get_by_label("Keywords")
    keywords.press("End")
    keywords.type(", night temperatures")
    expect(notice(lead, "ended")).to_be_visible(timeout=10_000)

    other_tab = lead.context.new_page()
    other_tab.goto("/sign-in")
    sign_in_here(other_tab)
    expect(other_tab.locator("form[action='/sign-out'] button")).to_be_visible()

    lead.bring_to_front()
    lead.evaluate("window.dispatchEvent(new Event('focus'))")  # headless tabs get no focus event
    expect(lead.locator("[data-autosave-status]")).to_contain_text("Saved at", timeout=10_000)
    expect(lead.locator("[data-session-notice]")).to_be_hidden()
    shot(lead, "session-04-saved-after-signing-in-in-another-tab")
    other_tab.reload()
    open_details(other_tab)
    expect(other_tab.get_by_label("Keywords")).to_have_value(re.compile(", night temperatures$"))


def test_a_full_save_after_the_session_ended_comes_back_after_signing_in(
    lead, new_person, short_sessions, shot
):
    sign_out_elsewhere(new_person, short_sessions.origin)
    keywords = lead.get_by_label("Keywords")
    keywords.press("End")
    keywords.type(", canopy cooling")
    lead.get_by_role("button", name="Save and return to overview").click()

    expect(lead.get_by_role("heading", name="Sign in")).to_be_visible()
    shot(lead, "session-05-full-save-asked-to-sign-in")
    sign_in_here(lead)
    expect(lead.get_by_label("Keywords")).to_have_value(re.compile(", canopy cooling$"))
    expect(lead.locator("[data-autosave-status]")).to_contain_text("Saved at", timeout=10_000)
    shot(lead, "session-06-full-save-restored")
    lead.reload()
    expect(lead.get_by_label("Keywords")).to_have_value(re.compile(", canopy cooling$"))


def test_signing_out_on_purpose_forgets_this_person_s_kept_copies(lead):
    """Copies outlive a time-out, not a chosen sign-out: the next person at a shared computer must
    not find the text. Another account's copies stay."""
    mine = lead.evaluate(
        """() => {
            const mine = `grants:unsaved:${document.body.dataset.sessionAccount}:/a:/a`;
            const copy = JSON.stringify({ state: "lost", at: Date.now(), values: [] });
            localStorage.setItem(mine, copy);
            localStorage.setItem("grants:unsaved:999999:/b:/b", copy);
            return mine;
        }"""
    )
    lead.locator("form[action='/sign-out'] button").click()
    expect(lead.locator("form[action='/sign-out']")).to_have_count(0)
    kept = lead.evaluate("() => Object.keys(localStorage).filter((key) => key.startsWith('grants:unsaved:'))")
    assert mine not in kept
    assert "grants:unsaved:999999:/b:/b" in kept
