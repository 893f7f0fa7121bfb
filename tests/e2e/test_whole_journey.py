"""The whole journey as new users do it, on a served app that sends its mail to an SMTP server this
test runs: a researcher registers and drafts a joint application; the China-side lead, invited by
email, switches the site to Chinese, registers and joins; the researcher uploads the PDFs and
submits; the officer closes the call and assigns reviewers automatically; two reviewers score; the
officer decides and releases; both leads read the decision and accept the award.

Every page on the way is screenshotted (``test-artifacts/e2e/journey*/``) and checked with axe-core;
every page the China-side lead reads in Chinese is also searched for English left untranslated.
A second test does the researcher's own part (register, draft, upload, submit) in Chinese.
"""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.e2e.journey import CALL, OFFICER, Journey, Person, pdf_file
from tests.e2e.languages import served_data
from tests.e2e.served import ServedGrants
from tests.integration.live.smtp import SmtpSink
from tests.services import require_chromium

pytestmark = pytest.mark.browser

TITLE = "Drought-tolerant maize for the Loess Plateau"
ABSTRACT = "Field trials in Shaanxi and Gansu test maize lines bred for drought, with shared data."
KEYWORDS = "maize, drought, breeding"
ANSWER = "Both institutions keep the trial data under one agreement."
READINESS = "TRL 4-6"  # an option of the demo call's own question
COMMENT = (
    "Convincing field design across both provinces, with trial sites matched on soil and "
    "rainfall; the data plan is clear and the budget is reasonable for three seasons."
)
FILES = ("case.pdf", "lead-cv.pdf", "partner-cv.pdf")
# What people type on the way: data, shown as typed whatever the reader's language.
TYPED = [TITLE, ABSTRACT, KEYWORDS, ANSWER, READINESS, COMMENT, *FILES]


@pytest.fixture(scope="module")
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def mailing_app(tmp_path_factory, smtp):
    """A served app for each test (the journey closes the demo's open call), mailing through ``smtp``."""
    require_chromium()
    grants = ServedGrants(tmp_path_factory.mktemp("journey"), SMTP_URL=smtp.url)
    grants.env["PUBLIC_BASE_URL"] = grants.origin  # the emails' links lead to this server
    with grants:
        yield grants


@pytest.fixture
def people(new_person, mailing_app):
    """Opens one person's browser on the journey's app."""
    return lambda: new_person(mailing_app.origin)


@dataclass(frozen=True)
class Side:
    country: str
    institution: str


UK = Side("GB", "University of Reading")
CHINA = Side("CN", "China Agricultural University")


def start_and_invite(lead: Person, side: Side, partner: Person, partner_side: Side) -> None:
    """From the list of calls to a draft with the other side's lead invited."""
    lead.open_menu("Funding calls")
    lead.step("calls")
    lead.page.get_by_role("link", name=CALL).click()
    lead.step("call")
    lead.link("Start an application").click()
    lead.field("Project title").fill(TITLE)
    lead.field("Your side of the partnership").select_option(side.country)
    lead.field("Your institution").select_option(label=side.institution)
    lead.step("start-application")
    lead.button("Start the draft").click()
    lead.step("overview")

    lead.link("Team").click()
    lead.field("Full name").fill(partner.name)
    lead.field("Email address").fill(partner.email)
    lead.field("Role").select_option("lead")
    lead.field("Side").select_option(partner_side.country)
    lead.field("Institution").select_option(label=partner_side.institution)
    lead.step("team")
    lead.button("Send invitation").click()
    expect(lead.success()).to_be_visible()


def join(partner: Person, switch_to: str | None = None) -> None:
    """The invited lead follows the emailed link, registers (switching language first, if asked)
    and joins the team."""
    partner.follow(partner.journey.email(partner.email, "Join a proposal team on Grants"))
    partner.step("invitation")
    if switch_to:
        partner.switch_language(switch_to)
        partner.step("invitation-switched")
    partner.link("Create an account").click()
    partner.register(f"{partner.email.split('@')[0]}-field-trials-7")
    partner.open_menu("My applications")
    partner.step("my-applications-invited")
    partner.button("Join the team", exact=False).click()
    expect(partner.success()).to_be_visible()
    partner.step("joined")


def complete_draft(lead: Person, partner: Person, tmp_path) -> None:
    """Every section of the draft, up to the lead confirming their own side."""
    page = lead.page
    lead.page.reload()
    lead.link("Project details").click()
    lead.field("Abstract").fill(ABSTRACT)
    area = lead.field("Priority area").locator("option:not([value=''])").first.get_attribute("value")
    lead.field("Priority area").select_option(area)
    lead.field("Keywords").fill(KEYWORDS)
    lead.field("Start date").fill("2027-04-01")
    lead.field("Duration (months)").fill("36")
    lead.step("details")
    lead.button("Save and return to overview").click()
    expect(lead.success()).to_be_visible()

    lead.link("Call questions").click()
    page.locator("textarea").first.fill(ANSWER)
    page.get_by_label(READINESS).check()
    lead.step("questions")
    lead.button("Save and return to overview").click()
    expect(lead.success()).to_be_visible()

    lead.link("Budget").click()
    funders = lead.field("Funder").locator("option:not([value=''])")
    for funder, amount in ((0, "150,000.00"), (1, "900,000.00")):
        lead.field("Funder").select_option(funders.nth(funder).get_attribute("value"))
        lead.field("Year").select_option("1")
        lead.field("Category").select_option("staff")
        lead.field("Description").fill("Research assistant")
        lead.field("Amount").fill(amount)
        lead.button("Add to budget").click()
        expect(lead.success()).to_be_visible()
    lead.step("budget")

    lead.link("Attachments").click()
    uploads = zip(("case_for_support", "cv", "cv"), (None, lead.name, partner.name), FILES, strict=True)
    for kind, whose, name in uploads:
        lead.field("Document").select_option(kind)
        if whose:
            lead.field("Whose CV").select_option(label=whose)
        lead.field("PDF file").set_input_files(str(pdf_file(tmp_path, name, TITLE)))
        lead.button("Upload").click()
        expect(lead.success()).to_be_visible()
    lead.step("attachments")

    lead.link("Declarations").click()
    for box in page.locator("input[type=checkbox]").all():
        box.check()
    lead.step("declarations")
    lead.button("Save declarations").click()
    expect(lead.success()).to_be_visible()
    confirm_side(lead)


def confirm_side(person: Person) -> None:
    """The person's own side of the team, confirmed from the team page."""
    person.link("Team").click()
    mine = person.page.locator(".side").filter(has=person.page.get_by_role("button"))
    mine.get_by_role("button").click()
    expect(person.success()).to_be_visible()
    person.step("side-confirmed")


def submit(lead: Person, partner: Person) -> str:
    """The other side confirms, the lead submits; both get a receipt. Returns the reference."""
    partner.open_menu("My applications")
    partner.page.get_by_role("link", name=TITLE).click()
    partner.step("overview-partner")
    confirm_side(partner)

    lead.link("Check and submit").click()
    lead.step("check")
    lead.button("Submit the application").click()
    expect(lead.success()).to_be_visible()
    reference = re.search(r"FCP-2018-\d{4}", lead.success().inner_text()).group(0)
    lead.step("submitted")
    for person in (lead, partner):
        person.journey.email(person.email, person.t("Application submitted: your receipt"))
    lead.journey.data.append(reference)
    return reference


def route_reviews(officer: Person) -> list[str]:
    """Close the call, start reviewing and confirm the automatic assignment; the reviewers invited."""
    page = officer.page
    officer.open_menu("Manage calls")
    officer.step("manage-calls")
    page.get_by_role("link", name=CALL).click()
    officer.button("Close now").click()
    expect(officer.success()).to_be_visible()
    officer.button("Start reviewing").click()
    expect(officer.success()).to_be_visible()
    officer.step("call-in-review")
    officer.link("Review routing").click()
    officer.step("routing")
    page.get_by_role("button", name=re.compile(officer.t("Propose"))).first.click()
    officer.step("proposal")
    already_sent = len(officer.journey.smtp.messages())
    page.get_by_role("button", name=re.compile(officer.t("Confirm and send"))).click()
    expect(officer.success()).to_be_visible()
    officer.step("routing-confirmed")
    return officer.journey.recipients_by_language("Will you review a proposal?", since=already_sent)


def review(reviewer: Person, scores: tuple[str, str, str]) -> None:
    reviewer.open_menu("My reviews")
    reviewer.step("my-reviews")
    reviewer.page.get_by_role("link", name=re.compile(reviewer.t("Respond"))).first.click()
    reviewer.step("review-invitation")
    reviewer.button("Accept and review").click()
    for criterion, score in zip(("Scientific excellence", "Partnership", "Impact"), scores, strict=True):
        reviewer.page.get_by_label(criterion).select_option(score)
    reviewer.field("Fund").check()
    reviewer.field("Comments for the applicants").fill(COMMENT)
    reviewer.page.get_by_label(re.compile(reviewer.t("I declare that I have no conflict"))).check()
    reviewer.step("review-form")
    reviewer.button("Submit review").click()
    expect(reviewer.success()).to_be_visible()


def decide_and_release(officer: Person, reference: str) -> None:
    page = officer.page
    officer.open_menu("Manage calls")
    page.get_by_role("link", name=CALL).click()
    officer.link("Decisions").click()
    officer.step("decisions")
    page.get_by_role("link", name=re.compile(re.escape(reference))).first.click()
    officer.field("Award").check()
    officer.field("Rationale").fill("Two strong reviews; both budgets are justified.")
    officer.step("decide")
    officer.button("Save draft decision").click()
    expect(officer.success()).to_be_visible()
    page.get_by_label(re.compile(officer.t("I have checked the decisions"))).check()
    officer.button("Release all decisions").click()
    expect(officer.success()).to_be_visible()
    officer.step("released")


def accept_award(person: Person) -> None:
    person.follow(person.journey.email(person.email, person.t("A decision on your application")))
    person.step("decision")
    person.page.locator("main a[href*='/awards/']").first.click()  # "the award page", mid-sentence
    person.step("award-offered")
    person.link("Read and accept the agreement").click()
    person.step("agreement")
    person.page.locator("main input[type=checkbox]").check()  # "I accept this award and its terms…"
    person.button("Accept the agreement").click()
    expect(person.success()).to_be_visible()
    person.step("award-accepted")


def test_the_whole_journey(people, mailing_app, smtp, tmp_path):
    journey = Journey.start(mailing_app.origin, smtp, "journey", [*TYPED, *served_data(mailing_app)])
    lead = Person(journey, people(), "Eleanor Whitfield", "e.whitfield@reading.example.org")
    partner = Person(journey, people(), "Huang Xiaoling", "huang.xiaoling@cau.example.org")
    lead.page.goto("/")
    lead.link("Create an account").click()
    lead.register("wheat-and-maize-trials-3")
    start_and_invite(lead, UK, partner, CHINA)
    join(partner, switch_to="zh_Hans")
    complete_draft(lead, partner, tmp_path)
    reference = submit(lead, partner)

    officer = Person(journey, people(), OFFICER, OFFICER)
    officer.sign_in()
    invited = route_reviews(officer)
    assert len(invited) >= 2, invited
    for (email, language), scores in zip(invited[:2], (("5", "4", "5"), ("4", "4", "3")), strict=True):
        reviewer = Person(journey, people(), email, email, language)
        reviewer.sign_in()
        review(reviewer, scores)

    decide_and_release(officer, reference)
    accept_award(lead)
    accept_award(partner)
    expect(partner.page.locator(".tag[class*='tag-state-award-']")).to_have_text(partner.t("Active"))
    assert len(journey.checked) >= 40, journey.checked


def test_a_researcher_drafts_and_submits_in_chinese(people, mailing_app, smtp, tmp_path):
    """The researcher's own part, read in Chinese from the first page: the China-side lead
    switches language on the home page, registers, drafts, uploads and submits."""
    journey = Journey.start(mailing_app.origin, smtp, "journey-zh", [*TYPED, *served_data(mailing_app)])
    lead = Person(journey, people(), "Chen Xiaoyu", "chen.xiaoyu@cau.example.org")
    partner = Person(journey, people(), "Oliver Grant", "o.grant@reading.example.org")
    lead.page.goto("/")
    lead.switch_language("zh_Hans", keyboard=True)
    lead.step("home")
    lead.link("Create an account").click()
    lead.register("loess-plateau-maize-7")
    start_and_invite(lead, CHINA, partner, UK)
    join(partner)
    complete_draft(lead, partner, tmp_path)
    submit(lead, partner)
    lead.open_menu("My applications")
    expect(lead.page.get_by_role("link", name=TITLE)).to_be_visible()
    lead.step("my-applications")
    assert len(journey.checked) >= 18, journey.checked

    # The same pages on the smallest phone screen, in Chinese.
    for path in ("/", "/calls", "/profile", "/applications"):
        lead.page.goto(path)
        lead.fits(320)
    lead.page.get_by_role("link", name=TITLE).click()
    lead.fits(320)
    lead.step("overview-320px")
