"""Money under concurrency, with real transactions in their own threads, on PostgreSQL and on the
embedded SQLite file: two clicks on "Record the payment", both leads accepting at the same
moment, and a draft racing the release of a call's decisions."""

from datetime import timedelta

from sqlalchemy import func, select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.audit.models import AuditEvent
from grants.awards.models import Award, Payment
from grants.awards.services import decisions, offers, payments
from grants.calls.models import Call
from grants.extensions import db
from grants.notifications.models import OutboxMessage
from grants.timeutil import utcnow
from tests.factories import Factory
from tests.integration.live.test_concurrent_applications import live_app, race

__all__ = ["live_app"]


def committed(app, build):
    with app.app_context():
        result = build(Factory(db.session))
        db.session.commit()
        return result


def test_two_clicks_on_record_the_payment_pay_once(live_app):
    def build(factory):
        award = factory.award(accept=True)
        payment = min(award.payments, key=lambda p: (p.due_on, p.id))
        officer = db.session.get(User, award.offered_by_id)
        return payment.id, officer.id, award.start_date

    payment_id, officer_id, start = committed(live_app, build)
    later = utcnow() + timedelta(days=(start - utcnow().date()).days + 1)

    def pay():
        payment = db.session.get(Payment, payment_id)
        officer = db.session.get(User, officer_id)
        return payments.release_payment(officer, payment, paid_on=start, reference="BACS-1", now=later)

    outcomes = race(live_app, [pay, pay])
    assert sum(isinstance(o, Exception) for o in outcomes) == 1
    with live_app.app_context():
        assert db.session.get(Payment, payment_id).state == "released"
        released = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "award.payment_released")
        )
        assert released == 1
        assert (
            db.session.scalar(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.template == "payment_released")
            )
            == 2
        )  # one per team member, once


def test_both_leads_accepting_at_once_make_the_award_active(live_app):
    def build(factory):
        award = factory.award(accept=False)
        return award.id, [m.user_id for m in offers.lead_members(award.application)]

    award_id, lead_ids = committed(live_app, build)

    def accept_as(user_id):
        return lambda: offers.accept_agreement(
            db.session.get(User, user_id), db.session.get(Award, award_id), utcnow()
        )

    outcomes = race(live_app, [accept_as(user_id) for user_id in lead_ids])
    assert not any(isinstance(o, Exception) for o in outcomes)
    with live_app.app_context():
        award = db.session.get(Award, award_id)
        assert len(award.acceptances) == 2
        assert award.state == "active"


def test_a_draft_racing_the_release_never_lands_after_the_envelope_check(live_app):
    def build(factory):
        call, (first, second), officer = factory.deciding_call(2)
        uk = call.funders[0]
        uk.envelope_minor = 30_000_000  # room for one £200,000 award, not two
        factory.decide(officer, first, amounts={uk.id: "200,000"})
        factory.decide(officer, second, "reject")
        return call.id, second.id, officer.id, uk.id

    call_id, second_id, officer_id, uk_id = committed(live_app, build)

    def release():
        officer = db.session.get(User, officer_id)
        return decisions.release_decisions(officer, db.session.get(Call, call_id), utcnow())

    def overspend():
        officer = db.session.get(User, officer_id)
        application = db.session.get(Application, second_id)
        return decisions.draft_decision(
            officer,
            application,
            outcome="award",
            rationale="Changed our mind.",
            amounts={uk_id: "200,000"},
            now=utcnow(),
        )

    race(live_app, [release, overspend])
    with live_app.app_context():
        committed_gbp = db.session.scalar(
            select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(Payment.call_funder_id == uk_id)
        )
        # Whichever came first, the released awards never exceed the envelope.
        assert committed_gbp <= 30_000_000
