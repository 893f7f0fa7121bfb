"""The heart of the product in a real browser: a visitor finds the call; the UK lead completes the
seeded joint draft (autosave included), the China lead confirms their side, the lead submits, and
both get a receipt from the worker."""

import re

import pytest
from playwright.sync_api import expect

from grants.demo.pdf import one_page_pdf
from tests.e2e.demo_people import sign_in

pytestmark = pytest.mark.browser

LEAD = "f.macleod@edinburgh.example.org"
PARTNER = "wang.lei@cau.example.org"
TITLE = "Resilient rice and wheat under heat stress"


def upload_cv(page, person, path):
    page.get_by_label("Document").select_option(label="CV")
    page.get_by_label("Whose CV").select_option(label=person)
    page.get_by_label("PDF file").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".flashes .notice-success")).to_contain_text("uploaded")


def test_a_joint_application_is_completed_and_submitted(page, browser, served, shot, tmp_path):
    page.goto("/calls")
    page.get_by_role("link", name=re.compile("2018 Flagship Challenge")).click()
    expect(page.locator(".deadline-panel")).to_contain_text("16:00 London time")
    expect(page.locator("[data-countdown]")).to_have_text(re.compile(r"^\d+ days?( \d+ hours?)?$"))
    shot(page, "10-call-page")

    sign_in(page, LEAD)
    page.get_by_role("link", name="My applications").first.click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Check and submit", exact=True).click()
    checklist = page.locator(".checklist")
    expect(checklist).to_contain_text("Give the start date.")
    expect(checklist).to_contain_text("The China lead must confirm")
    expect(page.get_by_role("button", name="Submit the application")).to_have_count(0)
    shot(page, "11-submission-checklist")

    checklist.get_by_role("link", name="Give the start date.").click()
    abstract = page.get_by_label("Abstract")
    abstract.press("Control+End")
    abstract.type(" Trials run for three seasons.")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Saved at", timeout=10_000)
    page.reload()
    expect(page.get_by_label("Abstract")).to_have_value(re.compile("Trials run for three seasons.$"))
    page.get_by_label("Start date").fill("2027-04-01")
    page.get_by_role("button", name="Save and return to overview").click()
    expect(page.get_by_text("Project details saved.")).to_be_visible()

    # Typing and leaving at once, before the autosave timer: the page hands the change over as it goes.
    page.get_by_role("link", name="Project details").click()
    page.get_by_label("Keywords").press("End")
    page.get_by_label("Keywords").type(", drought")
    page.get_by_role("link", name="Call questions").click()
    page.locator("textarea").first.fill("Data go to both institutions' repositories under one agreement.")
    page.get_by_label("TRL 4-6").check()
    page.get_by_role("button", name="Save and return to overview").click()
    expect(page.get_by_text("Answers saved.")).to_be_visible()

    page.get_by_role("link", name="Project details").click()
    expect(page.get_by_label("Keywords")).to_have_value(re.compile(", drought$"))

    page.get_by_role("link", name="Attachments").click()
    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(one_page_pdf("Curriculum vitae"))
    upload_cv(page, "Fiona MacLeod", pdf)
    upload_cv(page, "Wang Lei", pdf)
    shot(page, "12-attachments")

    page.get_by_role("link", name="Declarations").click()
    for box in page.locator("input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Save declarations").click()

    page.get_by_role("link", name="Team").click()
    page.get_by_role("button", name="Confirm the United Kingdom side").click()
    expect(page.locator(".side-GB")).to_contain_text("confirmed by Fiona MacLeod")

    partner_context = browser.new_context(viewport={"width": 1200, "height": 900}, base_url=served.origin)
    partner = partner_context.new_page()
    sign_in(partner, PARTNER)
    partner.goto(page.url)
    # Wang Lei reads Chinese (his profile says so): the button is found by its place.
    expect(partner.locator("html")).to_have_attribute("lang", "zh-Hans")
    partner.locator(".side-CN").get_by_role("button").click()
    expect(partner.locator(".side-CN")).to_contain_text("Wang Lei")
    expect(partner.locator(".side-CN")).not_to_contain_text("Not confirmed")
    partner_context.close()

    page.get_by_role("link", name="Check and submit", exact=True).click()
    expect(page.get_by_text("Everything is in place")).to_be_visible()
    shot(page, "13-ready-to-submit")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.locator(".flashes .notice-success")).to_contain_text("Your reference is FCP-2018-0001")
    expect(page.get_by_role("heading", name=TITLE)).to_contain_text("Submitted")
    shot(page, "14-submitted")

    # Each receipt is in its reader's language: Wang Lei reads Chinese.
    for person, subject in (
        (LEAD, "Application submitted: your receipt"),
        (PARTNER, "申请已提交\uff1a您的回执"),
    ):
        # The demo's older submissions sent receipts too: wait for this one.
        receipt = served.wait_for_email(person, subject, containing="FCP-2018-0001")
        assert "FCP-2018-0001" in receipt.get_body(("plain",)).get_content()
