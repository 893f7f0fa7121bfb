"""Decisions and awards in a real browser: the officer decides a call in review (watching the
envelope move as they type) and releases the decisions; both lead investigators read the decision
and accept the agreement, which makes the award active; the officer records the first payment."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e import demo_people
from tests.e2e.award_people import REVIEWER_COMMENT, seed_deciding_call, sign_in

pytestmark = pytest.mark.browser

OFFICER = "officer@ukri.example.org"
PAYMENT_REFERENCE = "UKRI-FIN-2026-004217"


@pytest.fixture
def shot(tmp_path):
    """Full-page screenshots of every step, under this test's own temporary folder."""
    folder = tmp_path / "screenshots"
    folder.mkdir()

    def take(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def open_page(new_person, served):
    """Another person's browser on the served app."""
    return lambda: new_person(served.origin)


def award_state(page):
    return page.locator(".tag[class*='tag-state-award-']")


def offer(page):
    """The notice of an offer waiting for the leads: who has accepted so far."""
    return page.get_by_role("status").filter(has_text="Offered.")


def open_agreement(page, award_reference, title):
    page.get_by_role("link", name="Read and accept the agreement").click()
    expect(page.get_by_role("heading", name=f"Award agreement: {award_reference}")).to_be_visible()
    expect(page.locator(".letter")).to_contain_text(title)
    expect(page.locator(".letter")).to_contain_text("Intellectual property arising from the project")


def accept_agreement(page):
    page.get_by_label(re.compile("^I accept this award and its terms")).check()
    page.get_by_role("button", name="Accept the agreement").click()
    expect(page.locator(".flashes .notice-success")).to_contain_text("you have accepted the agreement")


def test_a_call_is_decided_and_the_award_accepted_and_paid(page, served, shot, open_page):
    call = seed_deciding_call(served)
    funded, declined = call.applications

    demo_people.sign_in(page, OFFICER)
    page.get_by_role("link", name="Manage calls").first.click()
    page.get_by_role("link", name=call.title, exact=True).click()
    page.get_by_role("link", name="Decisions", exact=True).click()
    expect(page.get_by_role("heading", name="Decisions", exact=True)).to_be_visible()
    committed = page.locator("[data-envelope][data-currency=GBP] [data-show=committed]")
    remaining = page.locator("[data-envelope][data-currency=GBP] [data-show=remaining]")
    expect(committed).to_have_text("£0.00")
    expect(remaining).to_have_text("£2,000,000.00")
    expect(page.get_by_text("0 of 2 applications decided.")).to_be_visible()
    shot(page, "40-decisions")

    page.get_by_role("link", name=f"Decide {funded.reference}").click()
    expect(page.get_by_role("heading", name=funded.title)).to_be_visible()
    uk_amount = page.get_by_label(f"{call.uk_funder} (GBP)")
    expect(uk_amount).to_have_value("150000.00")
    page.get_by_label("Award", exact=True).check()
    expect(committed).to_have_text("£150,000.00")
    # The preview follows the typing, before anything is saved.
    uk_amount.fill("")
    uk_amount.press_sequentially("120000")
    expect(committed).to_have_text("£120,000.00")
    expect(remaining).to_have_text("£1,880,000.00")
    shot(page, "41-decide")
    uk_amount.fill("150000.00")  # the panel keeps the request after all
    expect(committed).to_have_text("£150,000.00")
    page.get_by_label("Rationale").fill("Ranked first; both sides' budgets are well justified.")
    page.get_by_role("button", name="Save draft decision").click()
    expect(page.locator(".flashes .notice-success")).to_contain_text(
        f"Decision on {funded.reference} saved as a draft"
    )
    expect(committed).to_have_text("£150,000.00")
    expect(page.locator("[data-envelope][data-currency=CNY] [data-show=committed]")).to_have_text(
        "CN¥900,000.00"
    )

    page.get_by_role("link", name=f"Decide {declined.reference}").click()
    page.get_by_label("Reject", exact=True).check()
    expect(committed).to_have_text("£150,000.00")  # a rejection draws on no envelope
    page.get_by_label("Rationale").fill("Below the funding line.")
    page.get_by_role("button", name="Save draft decision").click()
    expect(page.locator(".flashes .notice-success")).to_contain_text(
        f"Decision on {declined.reference} saved as a draft"
    )
    expect(page.get_by_text("2 of 2 applications decided.")).to_be_visible()
    expect(page.locator(f"#row-{funded.id}")).to_contain_text("Award draft")
    expect(page.locator(f"#row-{declined.id}")).to_contain_text("Reject draft")
    shot(page, "42-decisions-drafted")
    page.get_by_label(re.compile("^I have checked the decisions")).check()
    page.get_by_role("button", name="Release all decisions").click()
    expect(page.locator(".flashes .notice-success")).to_contain_text("Decisions released.")

    lead = open_page()
    sign_in(lead, funded.lead, call.password)
    lead.get_by_role("link", name="My applications").first.click()
    lead.get_by_role("link", name=funded.title).click()
    decision = lead.get_by_role("region", name="Decision")
    expect(decision).to_contain_text("Congratulations: the panel has decided to fund this proposal.")
    expect(decision).to_contain_text(REVIEWER_COMMENT)
    shot(lead, "43-decision-panel")
    decision.get_by_role("link", name="the award page").click()
    expect(lead.get_by_role("heading", name=funded.title)).to_be_visible()
    expect(award_state(lead)).to_have_text("Offered")
    expect(offer(lead)).to_contain_text("(China): not yet accepted")
    shot(lead, "44-award-offered")
    open_agreement(lead, funded.reference, funded.title)
    shot(lead, "45-agreement")
    accept_agreement(lead)
    expect(award_state(lead)).to_have_text("Offered")  # until the China lead accepts too
    expect(offer(lead)).to_contain_text("(United Kingdom): accepted")
    expect(offer(lead)).to_contain_text("(China): not yet accepted")

    partner = open_page()
    sign_in(partner, funded.china_lead, call.password)
    partner.get_by_role("link", name="My awards").click()
    partner.get_by_role("link", name=funded.title).click()
    open_agreement(partner, funded.reference, funded.title)
    accept_agreement(partner)
    expect(award_state(partner)).to_have_text("Active")
    lead.reload()
    expect(award_state(lead)).to_have_text("Active")

    page.get_by_role("link", name="Awards", exact=True).click()
    expect(page.get_by_role("heading", name="Awards portfolio")).to_be_visible()
    page.get_by_role("link", name=funded.reference, exact=True).click()
    expect(award_state(page)).to_have_text("Active")
    payments = page.get_by_role("region", name="Payments")
    payments.get_by_role("link", name=f"Release {call.uk_funder} payment 1", exact=True).click()
    expect(
        page.get_by_role("heading", name=f"Release payment 1 from {call.uk_funder}: £150,000.00")
    ).to_be_visible()
    # Sent yesterday, in the call's time zone: never a date in the future, whenever the test runs.
    paid_on = datetime.now(ZoneInfo("Europe/London")).date() - timedelta(days=1)
    page.get_by_label("Paid on").fill(paid_on.isoformat())
    page.get_by_label("Payment reference").fill(PAYMENT_REFERENCE)
    shot(page, "46-payment-release")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator(".flashes .notice-success")).to_contain_text("Payment of £150,000.00 recorded.")
    uk_payment = payments.locator("tbody tr").filter(
        has=page.get_by_role("cell", name=call.uk_funder, exact=True)
    )
    expect(uk_payment).to_contain_text("Paid")
    expect(uk_payment).to_contain_text(f"{paid_on:%d %b %Y} · ref. {PAYMENT_REFERENCE}")
    cn_payment = payments.locator("tbody tr").filter(
        has=page.get_by_role("cell", name=call.cn_funder, exact=True)
    )
    expect(cn_payment).to_contain_text("Scheduled")
    shot(page, "47-award-paid")

    page.get_by_role("link", name="Awards portfolio").click()
    totals = page.get_by_role("region", name="Totals per funder").locator("tbody tr")
    expect(totals.filter(has_text=call.uk_funder).get_by_role("cell")).to_have_text(
        [call.uk_funder, "GBP", "£150,000.00", "£150,000.00", "£0.00"]
    )
    expect(page.locator("tr", has=page.get_by_role("link", name=funded.reference))).to_contain_text("Active")
    shot(page, "48-portfolio")
