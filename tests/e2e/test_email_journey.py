"""Emails in a real browser: a researcher chooses Simplified Chinese and turns reminders off, then
asks for a password reset and gets it in Chinese (read by an officer in the development mailbox,
its link followed); an officer finds an email the mail server refused under "Failed emails",
sends it again and the worker delivers it; a researcher may not see that page."""

import re
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.demo_people import sign_in
from tests.e2e.languages import translator

pytestmark = pytest.mark.browser

OFFICER = "officer@ukri.example.org"
RESEARCHER = "o.price@reading.example.org"  # a demo researcher no other browser test uses
RESEARCHER_NAME = "Owen Price"
CHINESE = "简体中文"
RESET_SUBJECT_ZH = "重置您的 Grants 密码"
RESET_TEXT_ZH = "有人请求重置您的 Grants 账户密码"
REFUSED = "SMTPRecipientsRefused: 550 no such user"


def officer_page(browser, served):
    """A second browser, for the officer, beside the researcher's."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, base_url=served.origin)
    page = context.new_page()
    sign_in(page, OFFICER)
    return page


def database(served):
    return closing(sqlite3.connect(served.instance / "grants.sqlite", timeout=10))


def outbox_row(served, message_id):
    with database(served) as connection:
        return connection.execute(
            "SELECT state, attempts, last_error FROM outbox_messages WHERE id = ?", (message_id,)
        ).fetchone()


def wait_for_state(served, message_id, state, timeout=30.0):
    """Poll the served database until the outbox row is in ``state``."""
    deadline = time.monotonic() + timeout
    while (row := outbox_row(served, message_id))[0] != state:
        if time.monotonic() > deadline:
            raise AssertionError(f"outbox row {message_id} is {row}, not {state!r}\n" + served.logs())
        time.sleep(0.2)
    return row


def fail_a_sent_email(served):
    """Turn the newest sent email into one the mail server refused for good, as delivery does
    after a 550; returns its id and recipient."""
    failed_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with database(served) as connection, connection:
        sent = connection.execute(
            "SELECT id, recipient_email FROM outbox_messages WHERE state = 'sent' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert sent, "the served demo has no sent email to fail"
        connection.execute(
            "UPDATE outbox_messages SET state = 'failed', attempts = 16, last_error = ?, failed_at = ?"
            " WHERE id = ?",
            (REFUSED, failed_at, sent[0]),
        )
    return sent


def test_a_researcher_gets_emails_in_chinese(page, browser, served, shot):
    sign_in(page, RESEARCHER)
    page.get_by_role("link", name=RESEARCHER_NAME).click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    reminders = page.get_by_label("Reminders before deadlines")
    digests = page.get_by_label("The daily digest")
    expect(page.get_by_role("group", name="Optional emails")).to_be_visible()
    expect(reminders).to_be_checked()
    expect(digests).to_have_count(0)  # the digest is for programme officers only
    shot(page, "50-profile-before")

    page.get_by_role("combobox", name="Language").select_option(label=CHINESE)
    reminders.uncheck()
    page.get_by_role("button", name="Save profile").click()
    # From this answer on the pages are in Chinese: fields are found by their names.
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator(".flashes .notice-success")).to_be_visible()
    shot(page, "51-profile-saved")
    page.reload()
    language = page.locator("select[name=language]")
    expect(language).to_have_value("zh_Hans")
    expect(language.locator("option:checked")).to_have_text(CHINESE)
    expect(page.locator("input[name=email_reminders]")).not_to_be_checked()
    shot(page, "52-profile-after-reload")

    page.locator("form[action='/sign-out'] button").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email address").fill(RESEARCHER)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_text(f"If an account uses {RESEARCHER}")).to_be_visible()
    shot(page, "53-reset-requested")
    served.wait_for_email(RESEARCHER, RESET_SUBJECT_ZH, containing=RESET_TEXT_ZH)

    officer = officer_page(browser, served)
    officer.get_by_role("navigation", name="Main").get_by_role("link", name="Mailbox").click()
    expect(officer.get_by_role("heading", name="Development mailbox")).to_be_visible()
    newest = officer.locator("tbody tr").filter(has_text=RESEARCHER).first
    expect(newest.get_by_role("link")).to_have_text(RESET_SUBJECT_ZH)
    shot(officer, "54-mailbox")
    newest.get_by_role("link").click()
    expect(officer.get_by_role("heading", name=RESET_SUBJECT_ZH)).to_be_visible()
    body = officer.locator(".mail-body")
    expect(body).to_contain_text(f"尊敬的{RESEARCHER_NAME}")
    expect(body).to_contain_text(RESET_TEXT_ZH)
    expect(body).to_contain_text("有效期为 60 分钟")
    shot(officer, "55-reset-email-in-chinese")
    link = body.locator("a[href*='/password/reset/']").first.get_attribute("href")
    officer.context.close()

    # The link names the configured public address; follow it on this server, signed out.
    assert re.fullmatch(r"http://127\.0\.0\.1:5000/password/reset/[\w.-]+", link), link
    page.goto(served.origin + "/" + link.split("://", 1)[1].split("/", 1)[1])
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    expect(page.get_by_label("New password", exact=True)).to_be_visible()
    shot(page, "56-reset-link-opens")


def test_an_officer_sends_a_failed_email_again(page, browser, served, shot):
    message_id, recipient = fail_a_sent_email(served)

    officer = officer_page(browser, served)
    officer.get_by_role("navigation", name="Main").get_by_role("link", name="Failed emails").click()
    expect(officer.get_by_role("heading", name="Failed emails")).to_be_visible()
    row = officer.locator("tbody tr").filter(has_text=recipient)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(REFUSED)
    expect(row.locator("td.num")).to_have_text("16")
    shot(officer, "57-failed-emails")

    row.get_by_role("button", name=f"Send again to {recipient}").click()
    expect(officer.locator(".flashes .notice-success")).to_have_text(
        f"The email to {recipient} is queued again."
    )
    expect(officer.get_by_text("No failed emails.")).to_be_visible()
    shot(officer, "58-failed-email-queued-again")

    _, attempts, last_error = wait_for_state(served, message_id, "sent")
    assert (attempts, last_error) == (1, None)
    officer.reload()
    expect(officer.locator(".figures div").filter(has_text="Failed").locator("dd")).to_have_text("0")
    shot(officer, "59-failed-email-delivered")
    officer.context.close()

    sign_in(page, RESEARCHER)
    expect(page.get_by_role("link", name="Failed emails")).to_have_count(0)
    response = page.goto("/manage/emails/failed")
    assert response.status == 403
    # The researcher chose Chinese above, so the refusal is in Chinese too.
    refusal = translator("zh_Hans")("You cannot see this page")
    expect(page.get_by_role("heading", name=refusal)).to_be_visible()
    expect(page.locator("tbody")).to_have_count(0)
    shot(page, "60-failed-emails-refused")
