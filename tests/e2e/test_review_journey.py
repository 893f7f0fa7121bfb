"""Review routing in a real browser: the officer proposes, checks and confirms an assignment for
the demo's call in review; the demo reviewer accepts an invitation and submits a scored review;
the officer reads the ranking."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.demo_people import sign_in

pytestmark = pytest.mark.browser

OFFICER = "officer@ukri.example.org"
REVIEWER = "h.carter@rothamsted.example.org"
CALL = "2017 Flagship Challenge: food safety and sustainable farming"


def test_the_officer_fills_a_gap_and_the_reviewer_submits_a_review(page, browser, served, shot):
    sign_in(page, OFFICER)
    page.get_by_role("link", name="Manage calls").first.click()
    page.get_by_role("link", name=CALL).click()
    page.get_by_role("link", name="Review routing").click()
    expect(page.get_by_role("heading", name=re.compile("Review routing"))).to_be_visible()
    expect(page.locator("text=1 more needed")).to_have_count(1)  # the demo's declined invitation
    shot(page, "30-review-routing")

    page.get_by_label("Raise the weakest match").check()
    page.get_by_role("button", name="Propose reviewers for the gaps").click()
    expect(page.get_by_role("heading", name="Proposed assignment")).to_be_visible()
    expect(page.locator("text=Proven optimal")).to_be_visible()
    expect(page.locator(".pair-why").first).to_contain_text("text similarity")
    shot(page, "31-proposal-preview")
    page.get_by_role("button", name=re.compile(r"Confirm and send 1 invitation")).click()
    expect(page.locator(".flashes .notice-success")).to_contain_text("Confirmed")
    expect(page.locator("text=1 more needed")).to_have_count(0)

    reviewer_context = browser.new_context(viewport={"width": 1200, "height": 900}, base_url=served.origin)
    reviewer = reviewer_context.new_page()
    sign_in(reviewer, REVIEWER)
    reviewer.get_by_role("link", name="My reviews").click()
    shot(reviewer, "32-my-reviews")
    reviewer.get_by_role("link", name=re.compile("Respond")).first.click()
    expect(reviewer.get_by_role("heading", name="Accept")).to_be_visible()
    shot(reviewer, "33-invitation")
    reviewer.get_by_role("button", name="Accept and review").click()
    expect(reviewer.get_by_role("heading", name="Your review")).to_be_visible()

    reviewer.get_by_role("button", name="Submit review").click()
    expect(reviewer.locator(".error-summary")).to_contain_text("Score every criterion")
    for criterion, score in (("Scientific excellence", "4"), ("Partnership", "5"), ("Impact", "3")):
        reviewer.get_by_label(criterion).select_option(score)
    reviewer.get_by_label("Fund with changes").check()
    reviewer.get_by_label("Comments for the applicants").fill(
        "A well designed joint study with clear field trials in both countries. The budget is "
        "reasonable, but the data sharing plan needs detail on how samples move between labs."
    )
    reviewer.get_by_label("Confidential comments for the panel").fill("Strong partnership.")
    reviewer.get_by_label(re.compile("I declare that I have no conflict")).check()
    shot(reviewer, "34-review-form")
    reviewer.get_by_role("button", name="Submit review").click()
    expect(reviewer.locator(".flashes .notice-success")).to_contain_text("Review submitted")
    reviewer_context.close()

    page.get_by_role("link", name="Ranking").first.click()
    expect(page.get_by_role("heading", name="Ranking")).to_be_visible()
    expect(page.locator("table.ranking tbody tr")).to_have_count(8)
    shot(page, "35-ranking")
