"""Decisions and awards over HTTP: what applicants see before and after release, the envelopes,
the decision form, the agreement, the letter, reports, payments, the portfolio and the changes
officers make to running awards."""

import hashlib
import io
import re
from datetime import timedelta

import pypdfium2 as pdfium
from pypdf import PdfReader

from grants.accounts.models import User
from grants.applications.services.confirmations import confirm_side
from grants.applications.services.submission import submit_application
from grants.audit.models import AuditEvent
from grants.awards.models import Award, Decision
from grants.awards.services.decisions import release_decisions
from grants.awards.services.payments import award_today, release_payment
from grants.calls.services import lifecycle
from grants.calls.services.programmes import set_programme_terms
from grants.demo.pdf import one_page_pdf
from grants.timeutil import utcnow
from tests.award_factories import IP_TERMS
from tests.integration.conftest import csrf_token, post_form

FEEDBACK = "Clear aims; the field trials need power analysis."
PANEL_ONLY = "Between us: the PI oversells."


def signed_in(app, sign_in, user):
    """A browser of its own, signed in as ``user``."""
    browser = app.test_client()
    assert sign_in(user, http_client=browser).status_code in (302, 303)
    return browser


def page(browser, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def status(browser, url: str) -> int:
    with browser.get(url) as response:
        return response.status_code


def between(html: str, start: str, end: str) -> str:
    """The part of ``html`` from ``start`` up to the next ``end``."""
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def officer_of(factory, award_or_call):
    call = getattr(award_or_call, "call", award_or_call)
    return factory.session.get(User, call.created_by_id)


def today_of(award):
    return award_today(award, utcnow())


def decision_url(application) -> str:
    return f"/manage/applications/{application.id}/decision"


def award_with_co_investigator(factory):
    """An offered award (nobody has accepted yet) whose GB side has a co-investigator besides the
    two lead investigators; returns (award, co-investigator)."""
    call = factory.call()
    officer = officer_of(factory, call)
    application = factory.complete_application(call)
    co_investigator = factory.researcher("GB", name="Cora Investigator")
    factory.join(application, co_investigator, role="co_investigator", country="GB")
    confirm_side(application.lead_applicant, application, "GB", utcnow())
    submit_application(application.lead_applicant, application.id, utcnow())
    lifecycle.close_call(None, call, utcnow())
    set_programme_terms(officer, call.programme, IP_TERMS)
    lifecycle.start_reviewing(officer, call)
    factory.decide(officer, application)
    release_decisions(officer, call, utcnow())
    factory.session.commit()
    return application.award, co_investigator


# Deciding ---------------------------------------------------------------------------------------


def test_unreleased_decisions_are_invisible_to_applicants_over_http_and_email_until_release(
    app, factory, sign_in, db_session
):
    call, (funded, declined), officer = factory.deciding_call(2)
    reviewer = factory.submitted_review(officer, funded, for_applicant=FEEDBACK, for_panel=PANEL_ONLY)
    db_session.commit()
    uk, cn = call.funders
    award_rationale = "Ranked first by the panel; the strongest field design."
    reject_rationale = "Ranked last; the travel budget is not justified."
    office = signed_in(app, sign_in, officer)
    drafted = post_form(
        office,
        decision_url(funded),
        {
            "outcome": "award",
            "rationale": award_rationale,
            f"amount_{uk.id}": "45,000.00",
            f"amount_{cn.id}": "80,000",
        },
    )
    rejected = post_form(office, decision_url(declined), {"outcome": "reject", "rationale": reject_rationale})
    assert drafted.status_code == rejected.status_code == 303
    assert funded.decision.outcome == "award" and funded.decision.state == "draft"
    assert funded.decision.amount_for(uk.id) == 4_500_000
    assert funded.decision.amount_for(cn.id) == 8_000_000
    assert declined.decision.outcome == "reject"

    funded_lead = signed_in(app, sign_in, funded.lead_applicant)
    declined_lead = signed_in(app, sign_in, declined.lead_applicant)
    for browser, application in ((funded_lead, funded), (declined_lead, declined)):
        overview = page(browser, f"/applications/{application.id}")
        listing = page(browser, "/applications")
        for html in (overview, listing):
            assert "Under review" in html
            for secret in (award_rationale, reject_rationale, "Awarded", "Not funded", "Reserve list"):
                assert secret not in html
        for secret in ('id="decision-title"', "Congratulations", "could not fund", "power analysis"):
            assert secret not in overview
        awards = page(browser, "/awards")
        assert "You hold no awards yet" in awards and "My awards</a>" not in awards
    assert factory.outbox("decision_released") == [] and factory.outbox("award_offered") == []
    for message in factory.outbox():
        email = factory.render(message)
        assert award_rationale not in email and reject_rationale not in email
    assert funded.state == declined.state == "under_review"

    # Without ticking the box nothing happens.
    unticked = post_form(office, f"/manage/calls/{call.id}/decisions/release", follow_redirects=True)
    assert "Tick the box to confirm the release." in unticked.get_data(as_text=True)
    assert call.state == "reviewing" and factory.outbox("decision_released") == []

    decisions_page = page(office, f"/manage/calls/{call.id}/decisions")
    assert "Release all decisions" in decisions_page and "2 of 2 applications decided" in decisions_page
    released = post_form(office, f"/manage/calls/{call.id}/decisions/release", {"confirm": "y"})
    assert released.status_code == 303
    assert call.state == "decided"
    assert (funded.state, declined.state) == ("awarded", "rejected")

    overview = page(funded_lead, f"/applications/{funded.id}")
    assert 'id="decision-title"' in overview and "Congratulations" in overview
    assert FEEDBACK in overview and "Reviewer 1" in overview
    award = funded.award
    assert f"/awards/{award.id}" in overview
    for secret in (award_rationale, PANEL_ONLY, reviewer.full_name, reviewer.email):
        assert secret not in overview
    assert "Awarded" in page(funded_lead, "/applications")
    assert award.reference in page(funded_lead, "/awards")

    overview = page(declined_lead, f"/applications/{declined.id}")
    assert "could not fund" in overview and reject_rationale not in overview
    assert "The reviewers left no comments for the applicants." in overview
    assert "Not funded" in page(declined_lead, "/applications")
    assert "You hold no awards yet" in page(declined_lead, "/awards")

    told = {(m.recipient_email, m.context["outcome"]) for m in factory.outbox("decision_released")}
    assert told == {
        (member.user.email, outcome)
        for application, outcome in ((funded, "award"), (declined, "reject"))
        for member in application.members
    }
    offers = factory.outbox("award_offered")
    assert {m.recipient_email for m in offers} == {m.user.email for m in funded.members if m.role == "lead"}
    for message in factory.outbox("decision_released") + offers:
        email = factory.render(message)
        for secret in (award_rationale, reject_rationale, PANEL_ONLY, reviewer.full_name, reviewer.email):
            assert secret not in email
    funded_team = {member.user.email for member in funded.members}
    good_news = [m for m in factory.outbox("decision_released") if m.recipient_email in funded_team]
    assert len(good_news) == len(funded_team)
    for message in good_news:
        email = factory.render(message)
        assert "power analysis" in email and "£45,000.00" in email
    assert factory.deliver_all() == len(factory.outbox())
    assert {m.state for m in factory.outbox()} == {"sent"}


def envelope(html: str, call_funder) -> str:
    return between(html, f'data-envelope="{call_funder.id}"', "</dl>")


def envelope_classes(html: str, call_funder) -> str:
    match = re.search(rf'<div class="([^"]*)" data-envelope="{call_funder.id}"', html)
    assert match, call_funder.id
    return match.group(1)


def test_the_decisions_page_shows_each_envelope_exactly_and_an_overspent_release_is_refused(
    app, factory, sign_in, db_session
):
    call, (first, second), officer = factory.deciding_call(2)
    uk, cn = call.funders
    factory.decide(officer, first, amounts={uk.id: "123,456.78", cn.id: "987,654.32"})
    db_session.commit()
    office = signed_in(app, sign_in, officer)

    html = page(office, f"/manage/calls/{call.id}/decisions")
    gbp, cny = envelope(html, uk), envelope(html, cn)
    assert "<dd>£2,000,000.00</dd>" in gbp
    assert '<dd data-show="committed">£123,456.78</dd>' in gbp
    assert '<dd data-show="remaining">£1,876,543.22</dd>' in gbp
    assert '<dd data-show="over">—</dd>' in gbp
    assert '<dd data-show="committed">CN¥987,654.32</dd>' in cny
    assert '<dd data-show="remaining">CN¥17,012,345.68</dd>' in cny
    assert "1 application has no decision yet" in html and "Release all decisions" not in html

    # £300,000 holds one £200,000 award, not two.
    uk.envelope_minor = 30_000_000
    factory.decide(officer, first, amounts={uk.id: "200,000", cn.id: "1"})
    factory.decide(officer, second, amounts={uk.id: "200,000", cn.id: "1"})
    db_session.commit()
    html = page(office, f"/manage/calls/{call.id}/decisions")
    gbp = envelope(html, uk)
    assert envelope_classes(html, uk) == "envelope envelope-over"
    assert envelope_classes(html, cn) == "envelope"
    assert '<dd data-show="committed">£400,000.00</dd>' in gbp
    assert '<dd data-show="remaining">£0.00</dd>' in gbp
    assert '<strong class="error-text">£100,000.00</strong>' in gbp
    release = between(html, 'id="release-title"', "</section>")
    assert "Not yet:" in release
    assert (
        f"These decisions overspend {uk.funder.short_name} by £100,000.00 (£400,000.00 of £300,000.00)"
        in (release)
    )
    assert "Release all decisions" not in release and "<form" not in release

    refused = post_form(
        office, f"/manage/calls/{call.id}/decisions/release", {"confirm": "y"}, follow_redirects=True
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert 'notice-error" role="alert">The decisions cannot be released yet.' in text
    assert "£100,000.00" in between(text, 'class="flashes"', "</div>\n")
    assert call.state == "reviewing"
    assert (first.state, second.state) == ("under_review", "under_review")
    assert {first.decision.state, second.decision.state} == {"draft"}
    assert db_session.query(Award).count() == 0
    assert factory.outbox("decision_released") == [] and factory.outbox("award_offered") == []


def test_the_decision_form_refuses_bad_input_and_saves_nothing(app, factory, sign_in, db_session):
    call, (application, _other), officer = factory.deciding_call(2)
    uk, cn = call.funders
    db_session.commit()
    office = signed_in(app, sign_in, officer)
    url = decision_url(application)
    form = page(office, url)
    assert "Requested £50,000.00; at most £200,000.00." in form
    assert f'name="amount_{uk.id}"' in form and f'name="amount_{cn.id}"' in form

    no_outcome = post_form(office, url, {"rationale": "Strong proposal."})
    assert no_outcome.status_code == 422
    assert "Choose a decision." in no_outcome.get_data(as_text=True)

    too_much = post_form(
        office,
        url,
        {
            "outcome": "award",
            "rationale": "Strong.",
            f"amount_{uk.id}": "200,000.01",
            f"amount_{cn.id}": "80,000",
        },
    )
    assert too_much.status_code == 422
    html = too_much.get_data(as_text=True)
    assert f"{uk.funder.short_name} gives at most £200,000.00 to one application." in html
    assert 'value="200,000.01"' in html  # what was typed is kept

    no_rationale = post_form(office, url, {"outcome": "reject", "rationale": "   "})
    assert no_rationale.status_code == 422
    assert "Give the rationale for this decision, for the record." in no_rationale.get_data(as_text=True)

    assert application.decision is None
    assert db_session.query(Decision).count() == 0
    assert not db_session.query(AuditEvent).filter_by(action="decision.drafted").count()


def test_a_conflicted_officer_cannot_open_the_decision_and_the_list_says_another_officer_decides(
    app, factory, sign_in, db_session
):
    call, (application, other), officer = factory.deciding_call(2)
    factory.decide(officer, application, amounts={call.funders[0].id: "123,456.78"})
    colleague = factory.officer(institution_id=application.lead_applicant.institution_id)
    db_session.commit()
    office = signed_in(app, sign_in, colleague)
    assert status(office, decision_url(application)) == 403
    refused = post_form(office, decision_url(application), {"outcome": "reject", "rationale": "No."})
    assert refused.status_code == 403
    db_session.refresh(application.decision)
    assert application.decision.outcome == "award"

    html = page(office, f"/manage/calls/{call.id}/decisions")
    conflicted = between(html, f'id="row-{application.id}"', "</tr>")
    assert "Another officer decides" in conflicted and decision_url(application) not in conflicted
    # The drafted outcome and its amounts are withheld from the conflicted officer too.
    assert "draft" not in conflicted and "123,456.78" not in conflicted
    free = between(html, f'id="row-{other.id}"', "</tr>")
    assert "Another officer decides" not in free and decision_url(other) in free


# The award, its agreement and its letter --------------------------------------------------------


def test_each_lead_accepts_the_agreement_and_nobody_else_can(app, factory, sign_in, db_session):
    award, co_investigator = award_with_co_investigator(factory)
    application = award.application
    uk_lead = application.lead_applicant
    cn_lead = next(m.user for m in application.members if m.role == "lead" and m.country == "CN")
    lead = signed_in(app, sign_in, uk_lead)
    html = page(lead, f"/awards/{award.id}")
    assert "Read and accept the agreement" in html and "Offered" in html
    assert f"/awards/{award.id}/agreement" in html

    unticked = post_form(lead, f"/awards/{award.id}/agreement", {})
    assert unticked.status_code == 422
    assert "Tick the box to accept the agreement." in unticked.get_data(as_text=True)
    assert award.acceptances == []

    accepted = post_form(lead, f"/awards/{award.id}/agreement", {"agree": "y"})
    assert accepted.status_code == 303 and accepted.headers["Location"].endswith(f"/awards/{award.id}")
    (acceptance,) = award.acceptances
    assert acceptance.user_id == uk_lead.id
    assert acceptance.terms_sha256 == hashlib.sha256(award.terms.encode()).hexdigest()
    assert award.state == "offered"  # the China lead has not accepted yet
    html = page(lead, f"/awards/{award.id}")
    assert "Read and accept the agreement" not in html
    assert "You accepted this agreement" in page(lead, f"/awards/{award.id}/agreement")

    colleague = signed_in(app, sign_in, co_investigator)
    html = page(colleague, f"/awards/{award.id}")
    assert "Read and accept the agreement" not in html and "Manage this award" not in html
    assert "Only the lead investigators accept the agreement." in page(
        colleague, f"/awards/{award.id}/agreement"
    )
    assert post_form(colleague, f"/awards/{award.id}/agreement", {"agree": "y"}).status_code == 403
    assert len(award.acceptances) == 1

    other_award = factory.award(accept=False)
    db_session.commit()
    for outsider in (other_award.application.lead_applicant, factory.researcher("GB")):
        db_session.commit()
        browser = signed_in(app, sign_in, outsider)
        for url in (f"/awards/{award.id}", f"/awards/{award.id}/letter", f"/awards/{award.id}/agreement"):
            assert status(browser, url) == 403, url
        assert post_form(browser, f"/awards/{award.id}/agreement", {"agree": "y"}).status_code == 403
    assert status(colleague, f"/awards/{other_award.id}") == 403

    partner = signed_in(app, sign_in, cn_lead)
    assert post_form(partner, f"/awards/{award.id}/agreement", {"agree": "y"}).status_code == 303
    assert award.state == "active"
    assert {m.recipient_email for m in factory.outbox("agreement_accepted")} == {
        uk_lead.email,
        cn_lead.email,
        co_investigator.email,
    }


def test_the_award_letter_as_a_page_and_as_a_pdf(app, factory, sign_in, db_session, tmp_path):
    award = factory.award(accept=True)
    db_session.commit()
    uk, cn = (f.call_funder for f in award.fundings)
    lead = signed_in(app, sign_in, award.application.lead_applicant)

    html = page(lead, f"/awards/{award.id}/letter")
    assert award.reference in html and "Award letter" in html
    funding = between(html, "<h2>Funding</h2>", "</table>")
    assert f'{uk.funder.name}</th><td class="num">£50,000.00' in funding
    assert f'{cn.funder.name}</th><td class="num">CN¥80,000.00' in funding
    terms = between(html, "<h2>Intellectual property</h2>", "<h2>Acceptance</h2>")
    assert "<li>Partners grant each other a royalty-free licence for research.</li>" in terms
    assert "belongs to the institutions that create it" in terms

    response = lead.get(f"/awards/{award.id}/letter.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="award-letter-{award.reference}.pdf"' in response.headers["Content-Disposition"]
    content = response.get_data()
    assert content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    text = re.sub(r"\s+", " ", text)
    for expected in ("Award letter", award.reference, "£50,000.00", "80,000.00", "royalty-free licence"):
        assert expected in text, expected

    image = pdfium.PdfDocument(content)[0].render(scale=1).to_pil().convert("L")
    image.save(tmp_path / "award-letter-page1.png")
    dark = sum(image.histogram()[:128]) / (image.width * image.height)
    assert 0.005 < dark < 0.5, dark


# Reports -----------------------------------------------------------------------------------------


def upload(browser, report, name: str, content: bytes):
    return browser.post(
        f"/reports/{report.id}/files",
        data={"csrf_token": csrf_token(browser), "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_team_writes_attaches_and_submits_a_report_and_the_officer_asks_for_changes(
    app, factory, sign_in, db_session
):
    award = factory.award(accept=True)
    db_session.commit()
    report = award.reports[0]
    member = next(m.user for m in award.application.members if m.country == "CN")
    team = signed_in(app, sign_in, member)
    url = f"/reports/{report.id}"
    html = page(team, url)
    assert "Progress report 1" in html and "Submit the report" in html

    empty = post_form(team, url, {"summary": "", "action": "submit"})
    assert empty.status_code == 422
    assert "Write the summary of progress before submitting." in empty.get_data(as_text=True)
    assert report.state == "due"

    saved = post_form(team, url, {"summary": "Plots sown in both countries.", "action": "save"})
    assert saved.status_code == 303 and report.summary == "Plots sown in both countries."
    assert report.state == "due"

    attached = upload(team, report, "progress.pdf", one_page_pdf("Year one yields"))
    assert attached.status_code == 303
    assert [f.original_name for f in report.files] == ["progress.pdf"]
    renamed = upload(team, report, "budget.pdf", b"PK\x03\x04" + b"\x00" * 200)
    assert renamed.status_code == 422
    assert "This file is not a PDF" in renamed.get_data(as_text=True)
    assert [f.original_name for f in report.files] == ["progress.pdf"]
    with team.get(f"/report-files/{report.files[0].id}") as download:
        assert download.status_code == 200 and download.get_data() == one_page_pdf("Year one yields")

    submitted = post_form(
        team,
        url,
        {"summary": "Plots sown in both countries.", "outcomes": "One dataset.", "action": "submit"},
    )
    assert submitted.status_code == 303 and report.state == "submitted"
    assert post_form(team, url, {"summary": "Changed", "action": "save"}).status_code == 403
    assert report.summary == "Plots sown in both countries."

    office = signed_in(app, sign_in, officer_of(factory, award))
    html = page(office, url)
    assert "Review this report" in html and "progress.pdf" in html
    no_note = post_form(office, f"{url}/review", {"action": "changes", "note": " "})
    assert no_note.status_code == 422
    assert "Say what the team should change." in no_note.get_data(as_text=True)
    assert report.state == "submitted" and factory.outbox("report_reviewed") == []

    sent_back = post_form(office, f"{url}/review", {"action": "changes", "note": "Add the yield table."})
    assert sent_back.status_code == 303 and sent_back.headers["Location"].endswith(f"/awards/{award.id}")
    assert report.state == "changes_requested" and report.review_note == "Add the yield table."
    emails = factory.outbox("report_reviewed")
    assert {m.recipient_email for m in emails} == {m.user.email for m in award.application.members}
    assert all(m.context["note"] == "Add the yield table." for m in emails)
    html = page(team, url)
    assert "The programme officer asked for changes" in html and "Add the yield table." in html
    assert "Submit the report" in html


# Payments ----------------------------------------------------------------------------------------


def test_a_payment_waits_for_an_overdue_report_then_is_recorded_and_shown_as_paid(
    app, factory, sign_in, db_session
):
    award = factory.award(accept=True)
    report = award.reports[0]
    on_time = report.due_date
    report.due_date = today_of(award) - timedelta(days=1)
    db_session.commit()
    payment = award.payments[0]
    office = signed_in(app, sign_in, officer_of(factory, award))
    url = f"/manage/payments/{payment.id}/release"

    html = page(office, url)
    assert "This payment cannot be released yet:" in html
    assert (
        f"Progress report 1 was due on {report.due_date:%d %B %Y} and is not submitted; "
        "payments wait until it is accepted."
    ) in html
    assert "Record the payment" not in html and 'name="reference"' not in html
    today = today_of(award).isoformat()
    forced = post_form(office, url, {"paid_on": today, "reference": "BACS-0042"})
    assert forced.status_code == 409
    assert payment.state == "scheduled" and factory.outbox("payment_released") == []
    assert "Waiting" in page(office, f"/awards/{award.id}")

    report.due_date = on_time
    db_session.commit()
    html = page(office, url)
    assert "Record the payment" in html and f'value="{today}"' in html
    missing = post_form(office, url, {"paid_on": today, "reference": ""})
    assert missing.status_code == 422
    assert "Enter the payment reference from the finance system." in missing.get_data(as_text=True)
    tomorrow = (today_of(award) + timedelta(days=1)).isoformat()
    future = post_form(office, url, {"paid_on": tomorrow, "reference": "BACS-0042"})
    assert future.status_code == 422 and "cannot be in the future" in future.get_data(as_text=True)
    assert payment.state == "scheduled"

    paid = post_form(office, url, {"paid_on": today, "reference": "BACS-0042"})
    assert paid.status_code == 303
    assert (payment.state, payment.payment_reference, payment.paid_on.isoformat()) == (
        "released",
        "BACS-0042",
        today,
    )
    lead = signed_in(app, sign_in, award.application.lead_applicant)
    for browser in (office, lead):
        payments = between(page(browser, f"/awards/{award.id}"), 'id="payments-title"', "</section>")
        row = between(payments, f"<td>{payment.call_funder.funder.short_name}</td>", "</tr>")
        assert 'tag-state-payment-released">Paid</span>' in row and "ref. BACS-0042" in row
    emails = factory.outbox("payment_released")
    assert {m.context["payment_reference"] for m in emails} == {"BACS-0042"}
    assert {m.recipient_email for m in emails} == {m.user.email for m in award.application.members}


# The portfolio -----------------------------------------------------------------------------------


def references(html: str, *awards) -> set[str]:
    return {award.reference for award in awards if award.reference in html}


def test_the_portfolio_filters_and_totals_each_funder_in_its_own_currency(app, factory, sign_in, db_session):
    active = factory.award(accept=True)
    offered = factory.award(accept=False)
    release_payment(
        officer_of(factory, active),
        active.payments[0],
        paid_on=today_of(active),
        reference="BACS-7",
        now=utcnow(),
    )
    # Two days late, so the portfolio (which counts days in UTC) agrees whatever the hour.
    active.reports[0].due_date = today_of(active) - timedelta(days=2)
    db_session.commit()
    both = (active, offered)
    office = signed_in(app, sign_in, factory.officer())

    html = page(office, "/manage/awards")
    assert references(html, *both) == {active.reference, offered.reference}
    totals = between(html, 'id="totals-title"', "</section>")
    for award, uk_paid in ((active, "£50,000.00"), (offered, "£0.00")):
        uk, cn = (f.call_funder.funder.short_name for f in award.fundings)
        uk_left = "£0.00" if uk_paid == "£50,000.00" else "£50,000.00"
        assert (
            f'<td>{uk}</td><td>GBP</td><td class="num">£50,000.00</td>'
            f'<td class="num">{uk_paid}</td><td class="num">{uk_left}</td>'
        ) in totals
        assert (
            f'<td>{cn}</td><td>CNY</td><td class="num">CN¥80,000.00</td>'
            '<td class="num">CN¥0.00</td><td class="num">CN¥80,000.00</td>'
        ) in totals

    by_call = page(office, f"/manage/awards?call={offered.call_id}")
    assert references(by_call, *both) == {offered.reference}
    totals = between(by_call, 'id="totals-title"', "</section>")
    assert f"<td>{active.fundings[0].call_funder.funder.short_name}</td>" not in totals
    assert f"<td>{offered.fundings[0].call_funder.funder.short_name}</td>" in totals

    funder = active.fundings[1].call_funder.funder
    by_funder = page(office, f"/manage/awards?funder={funder.id}")
    assert references(by_funder, *both) == {active.reference}
    assert "CN¥80,000.00" in by_funder and f"<td>{funder.short_name}</td>" in by_funder

    assert references(page(office, "/manage/awards?state=offered"), *both) == {offered.reference}
    assert references(page(office, "/manage/awards?state=active"), *both) == {active.reference}
    assert references(page(office, "/manage/awards?state=completed"), *both) == set()
    overdue = page(office, "/manage/awards?overdue=1")
    assert references(overdue, *both) == {active.reference}
    assert "progress report 1 overdue" in overdue

    researcher = signed_in(app, sign_in, active.application.lead_applicant)
    assert status(researcher, "/manage/awards") == 403


# Changes to a running award ----------------------------------------------------------------------


def test_extending_an_award_shows_field_errors_then_moves_the_end_and_the_reports(
    app, factory, sign_in, db_session
):
    award = factory.award(accept=True)
    db_session.commit()
    office = signed_in(app, sign_in, officer_of(factory, award))
    url = f"/manage/awards/{award.id}/extend"
    end = award.end_date
    assert "No-cost extension" in page(office, url)

    nothing = post_form(office, url, {})
    assert nothing.status_code == 422
    assert "Give the reason for the extension." in nothing.get_data(as_text=True)
    earlier = post_form(office, url, {"end_date": end.isoformat(), "reason": "Drought."})
    assert earlier.status_code == 422
    assert f"The new end date must be after the current one, {end:%d %B %Y}." in earlier.get_data(
        as_text=True
    )
    garbled = post_form(office, url, {"end_date": "next spring", "reason": "Drought."})
    assert garbled.status_code == 422 and 'class="error-message"' in garbled.get_data(as_text=True)
    assert award.end_date == end

    new_end = end + timedelta(days=180)
    extended = post_form(office, url, {"end_date": new_end.isoformat(), "reason": "Drought delayed sowing."})
    assert extended.status_code == 303 and extended.headers["Location"].endswith(f"/awards/{award.id}")
    assert (award.end_date, award.original_end_date) == (new_end, end)
    final = next(r for r in award.reports if r.kind == "final")
    assert final.due_date == new_end + timedelta(days=90)
    assert f"(originally {end:%d %B %Y})" in page(office, f"/awards/{award.id}")
    (email, *_rest) = factory.outbox("award_changed")
    assert (
        email.context
        | {"change": "extended", "ends_on": new_end.isoformat(), "reason": "Drought delayed sowing."}
        == email.context
    )


def test_a_budget_transfer_shows_field_errors_then_moves_money_between_categories(
    app, factory, sign_in, db_session
):
    award = factory.award(accept=True)
    db_session.commit()
    uk = award.fundings[0]
    office = signed_in(app, sign_in, officer_of(factory, award))
    url = f"/manage/awards/{award.id}/transfer"
    assert "Budget transfer" in page(office, url)
    data = {"call_funder_id": uk.call_funder_id, "from_category": "staff", "to_category": "equipment"}

    too_much = post_form(office, url, {**data, "amount": "50,000.01", "reason": "A new sensor."})
    assert too_much.status_code == 422
    assert "Staff has £50,000.00 to move." in too_much.get_data(as_text=True)
    same = post_form(office, url, {**data, "to_category": "staff", "amount": "1", "reason": "A new sensor."})
    assert same.status_code == 422 and "Choose two different categories." in same.get_data(as_text=True)
    no_reason = post_form(office, url, {**data, "amount": "10,000"})
    assert no_reason.status_code == 422
    assert "Give the reason for the transfer." in no_reason.get_data(as_text=True)
    assert {(b.category, b.amount_minor) for b in award.budget if b.call_funder_id == uk.call_funder_id} == {
        ("staff", 5_000_000)
    }

    moved = post_form(office, url, {**data, "amount": "10,000", "reason": "A new sensor."})
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"/awards/{award.id}")
    lines = {(b.category, b.amount_minor) for b in award.budget if b.call_funder_id == uk.call_funder_id}
    assert lines == {("staff", 4_000_000), ("equipment", 1_000_000)}
    assert (
        sum(b.amount_minor for b in award.budget if b.call_funder_id == uk.call_funder_id) == uk.amount_minor
    )


def test_adding_a_milestone_shows_field_errors_then_lists_it_for_the_team(app, factory, sign_in, db_session):
    award = factory.award(accept=True)
    db_session.commit()
    office = signed_in(app, sign_in, officer_of(factory, award))
    url = f"/manage/awards/{award.id}/milestones"
    assert "Add a milestone" in page(office, url)

    untitled = post_form(office, url, {"title": " ", "due_date": award.start_date.isoformat()})
    assert untitled.status_code == 422 and "Name the milestone." in untitled.get_data(as_text=True)
    outside = post_form(
        office, url, {"title": "Trial sown", "due_date": (award.end_date + timedelta(days=1)).isoformat()}
    )
    assert outside.status_code == 422
    assert "must fall within the award" in outside.get_data(as_text=True)
    assert award.milestones == []

    due = award.start_date + timedelta(days=60)
    added = post_form(office, url, {"title": "Trial sown", "due_date": due.isoformat()})
    assert added.status_code == 303 and added.headers["Location"].endswith(f"/awards/{award.id}")
    assert [(m.title, m.due_date) for m in award.milestones] == [("Trial sown", due)]
    lead = signed_in(app, sign_in, award.application.lead_applicant)
    milestones = between(page(lead, f"/awards/{award.id}"), 'id="milestones-title"', "</section>")
    assert "Trial sown" in milestones and f"/milestones/{award.milestones[0].id}/achieved" in milestones


def test_terminating_an_award_shows_field_errors_then_ends_it_and_cancels_later_payments(
    app, factory, sign_in, db_session
):
    award = factory.award(accept=True)
    db_session.commit()
    office = signed_in(app, sign_in, officer_of(factory, award))
    url = f"/manage/awards/{award.id}/terminate"
    assert "End " in page(office, url)

    no_reason = post_form(office, url, {"end_date": award.start_date.isoformat()})
    assert no_reason.status_code == 422
    assert "Give the reason for ending the award early." in no_reason.get_data(as_text=True)
    outside = post_form(
        office, url, {"end_date": (award.end_date + timedelta(days=1)).isoformat(), "reason": "The PI left."}
    )
    assert outside.status_code == 422 and "The end must fall within the award" in outside.get_data(
        as_text=True
    )
    assert award.state == "active"

    effective = award.start_date + timedelta(days=100)
    ended = post_form(office, url, {"end_date": effective.isoformat(), "reason": "The PI left."})
    assert ended.status_code == 303 and ended.headers["Location"].endswith(f"/awards/{award.id}")
    assert (award.state, award.end_date, award.closing_reason) == ("terminated", effective, "The PI left.")
    assert {p.state for p in award.payments if p.due_on <= effective} == {"scheduled"}
    states = {r.title: r.state for r in award.reports}
    assert states["Progress report 1"] == "cancelled" and states["Final report"] == "due"
    html = page(office, f"/awards/{award.id}")
    assert "Terminated" in html and "The PI left." in html


def test_the_officer_moves_an_offers_start_date_over_http(app, factory, sign_in, db_session):
    award = factory.award(accept=False)
    officer = db_session.get(User, award.offered_by_id)
    db_session.commit()
    office = signed_in(app, sign_in, officer)
    assert "Change the start date" in page(office, f"/awards/{award.id}")
    url = f"/manage/awards/{award.id}/offer/start"
    missing = post_form(office, url, {"start_date": "", "reason": "Later start."})
    assert missing.status_code == 422 and "Enter the new start date." in missing.get_data(as_text=True)
    new_start = award.start_date + timedelta(days=31)
    moved = post_form(office, url, {"start_date": new_start.isoformat(), "reason": "Later start."})
    assert moved.status_code == 303
    db_session.refresh(award)
    assert award.start_date == new_start
    assert new_start.strftime("%d %B %Y") in page(office, f"/awards/{award.id}/letter")
