"""Every email decisions and awards write: text and HTML parts, the right subject, and a link
that opens for the person it was sent to."""

from datetime import timedelta

from grants.accounts.models import User
from grants.awards.services import changes, offers, payments, reports
from grants.demo.pdf import one_page_pdf
from grants.timeutil import utcnow
from tests.integration.conftest import post_form

AWARD_EMAILS = {
    "decision_released",
    "award_offered",
    "agreement_accepted",
    "award_withdrawn",
    "award_changed",
    "report_reviewed",
    "payment_released",
}


def an_award_through_its_life(factory):
    """One award accepted, extended, reported on and paid; another offer withdrawn."""
    award = factory.award(accept=True)
    officer = factory.session.get(User, award.offered_by_id)
    start = award.start_date
    later = utcnow() + timedelta(days=(start - utcnow().date()).days + 2)
    changes.extend_award(officer, award, award.end_date + timedelta(days=90), "Flooded field site.")
    report = next(r for r in award.reports if r.kind == "progress")
    lead = award.application.lead_applicant
    reports.save_report(lead, report, summary="Both sites are running.")
    reports.add_report_file(
        lead, report, filename="year-one.pdf", content=one_page_pdf("Year one"), now=later
    )
    reports.submit_report(lead, report, later)
    reports.review_report(officer, report, accept=False, note="Add the data plan.", now=later)
    payment = min(award.payments, key=lambda p: (p.due_on, p.id))
    payments.release_payment(officer, payment, paid_on=start, reference="BACS-77", now=later)
    withdrawn = factory.award(accept=False)
    offers.withdraw_offer(officer, withdrawn, "Not accepted in time.", utcnow())
    factory.session.flush()
    return award


def test_every_award_email_renders_both_parts_and_its_link_opens_for_its_recipient(client, factory, sign_in):
    an_award_through_its_life(factory)
    factory.session.commit()
    messages = [m for m in factory.outbox() if m.template in AWARD_EMAILS]
    assert {m.template for m in messages} == AWARD_EMAILS
    checked = set()
    for message in messages:
        email = factory.render(message)
        assert "{{" not in email and "}}" not in email
        assert message.context["link"] in email
        if message.template in checked:
            continue
        checked.add(message.template)
        recipient = factory.session.get(User, message.recipient_id)
        post_form(client, "/sign-out")
        sign_in(recipient)
        response = client.get(factory.link_in(message))
        assert response.status_code == 200, (message.template, factory.link_in(message))
    assert checked == AWARD_EMAILS


def test_the_payment_email_names_the_amount_funder_date_and_reference(factory):
    an_award_through_its_life(factory)
    (message, *_) = factory.outbox("payment_released")
    email = factory.render(message)
    assert "BACS-77" in email
    assert message.context["amount"] in email and message.context["funder"] in email
