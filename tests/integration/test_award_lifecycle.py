"""An award's life through the real services: the agreement, payments held back by overdue
reports, a no-cost extension, budget transfers, termination, reports, completion, and the audit
trail every change leaves. Dates come from the award itself and every rule that depends on the
day is given an explicit ``now``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from grants.accounts.models import User
from grants.applications.services import budget
from grants.applications.services.confirmations import confirm_side
from grants.applications.services.submission import submit_application
from grants.audit.models import AuditEvent
from grants.awards.models import Report
from grants.awards.schedule import add_months, end_date_for
from grants.awards.services.changes import (
    add_milestone,
    extend_award,
    mark_milestone_achieved,
    terminate_award,
    transfer_budget,
)
from grants.awards.services.completion import complete_if_finished
from grants.awards.services.decisions import release_decisions
from grants.awards.services.envelopes import envelope_positions
from grants.awards.services.offers import (
    accept_agreement,
    extend_offer,
    lead_members,
    terms_fingerprint,
    withdraw_offer,
)
from grants.awards.services.payments import payment_blockers, release_payment
from grants.awards.services.portfolio import PortfolioFilters, due_items, portfolio_page
from grants.awards.services.reports import add_report_file, review_report, save_report, submit_report
from grants.calls.services import lifecycle
from grants.calls.services.programmes import set_programme_terms
from grants.demo.pdf import one_page_pdf
from grants.errors import Conflict, PermissionDenied, ValidationError
from grants.timeutil import utcnow
from tests.award_factories import IP_TERMS

# --- helpers -----------------------------------------------------------------------------------


def noon(day: date) -> datetime:
    """Midday UTC on ``day``: the same date in London, whatever the season."""
    return datetime.combine(day, time(12), tzinfo=UTC)


def officer_of(factory, award) -> User:
    return factory.session.get(User, award.call.created_by_id)


def leads(award) -> list[User]:
    return [member.user for member in lead_members(award.application)]


def uk_lead(award) -> User:
    return award.application.lead_applicant


def team_emails(award) -> set[str]:
    return {m.user.email for m in award.application.members if m.user is not None and m.accepted_at}


def accept_all(factory, award, now=None) -> None:
    for lead in leads(award):
        accept_agreement(lead, award, now or utcnow())
    factory.session.flush()


def payment(award, currency: str, sequence: int = 1):
    return next(p for p in award.payments if p.currency == currency and p.sequence == sequence)


def report(award, kind: str, sequence: int = 1) -> Report:
    return next(r for r in award.reports if r.kind == kind and r.sequence == sequence)


def committed(call) -> dict[str, int]:
    return {p.currency: p.committed_minor for p in envelope_positions(call)}


def budget_by_category(award, currency: str) -> dict[str, int]:
    return {b.category: b.amount_minor for b in award.budget if b.currency == currency}


def money_of(award) -> tuple:
    """Everything about the award's money, to show a change left it alone."""
    return (
        sorted((f.call_funder_id, f.currency, f.amount_minor) for f in award.fundings),
        sorted((b.call_funder_id, b.category, b.amount_minor) for b in award.budget),
        sorted((p.call_funder_id, p.sequence, p.amount_minor, p.due_on, p.state) for p in award.payments),
    )


def sent(factory, template: str, key_prefix: str) -> set[str]:
    """Recipients of ``template`` emails whose key starts with ``key_prefix``."""
    return {m.recipient_email for m in factory.outbox(template) if m.message_key.startswith(key_prefix)}


def actions_on(factory, award) -> list[str]:
    events = factory.session.query(AuditEvent).filter_by(subject_type="Award", subject_id=award.id)
    return [e.action for e in events.order_by(AuditEvent.id)]


def write_and_submit(factory, award, which: Report, now: datetime, author: User | None = None) -> Report:
    author = author or uk_lead(award)
    save_report(author, which, summary="Trials ran in both countries.", outcomes="Two papers.", problems="")
    submit_report(author, which, now)
    factory.session.flush()
    return which


def accept_report(factory, award, which: Report, now: datetime) -> Report:
    review_report(officer_of(factory, award), which, accept=True, note="", now=now)
    factory.session.flush()
    return which


def release(factory, award, which, now: datetime, reference: str = "BACS-0001"):
    release_payment(
        officer_of(factory, award),
        which,
        paid_on=now.date() - timedelta(days=1),
        reference=reference,
        now=now,
    )
    factory.session.flush()
    return which


def two_year_award(factory, *, accept=True, co_investigator: User | None = None):
    """A 24-month award paid in two instalments from each funder: the request asks each funder for
    money in year 2 as well (UK £50,000 + £30,000, China ¥80,000 + ¥20,000)."""
    now = utcnow()
    call = factory.call()
    officer = factory.session.get(User, call.created_by_id)
    application = factory.complete_application(call, now=now)
    lead = application.lead_applicant
    partner = next(m.user for m in application.members if m.country == "CN" and m.role == "lead")
    uk, cn = call.funders
    budget.add_budget_line(
        lead,
        application,
        call_funder_id=uk.id,
        year=2,
        category="equipment",
        description="Sensors",
        amount="30,000",
        now=now,
    )
    budget.add_budget_line(
        partner,
        application,
        call_funder_id=cn.id,
        year=2,
        category="travel",
        description="Return visits",
        amount="20,000",
        now=now,
    )
    if co_investigator is not None:
        factory.join(application, co_investigator, role="co_investigator", country="GB", now=now)
    confirm_side(lead, application, "GB", now)
    confirm_side(partner, application, "CN", now)
    submit_application(lead, application.id, now)
    lifecycle.close_call(None, call, now)
    set_programme_terms(officer, call.programme, IP_TERMS)
    lifecycle.start_reviewing(officer, call)
    factory.decide(officer, application)
    release_decisions(officer, call, now)
    factory.session.flush()
    award = application.award
    if accept:
        accept_all(factory, award)
    return award


# --- the agreement -----------------------------------------------------------------------------


def test_an_offer_becomes_active_only_when_the_last_lead_investigator_accepts(factory):
    award = factory.award(accept=False)
    first, second = leads(award)
    assert {first.country, second.country} == {"GB", "CN"}
    assert award.state == "offered"

    moment = utcnow()
    accept_agreement(first, award, moment)
    factory.session.flush()
    assert award.state == "offered" and award.activated_at is None
    assert factory.outbox("agreement_accepted") == []

    accept_agreement(second, award, moment + timedelta(minutes=5))
    factory.session.flush()
    assert award.state == "active"
    assert award.activated_at == moment + timedelta(minutes=5)
    assert {a.user_id for a in award.acceptances} == {first.id, second.id}
    assert {a.terms_sha256 for a in award.acceptances} == {terms_fingerprint(IP_TERMS)}
    assert sent(factory, "agreement_accepted", f"agreement_accepted:{award.id}:") == team_emails(award)
    assert len(factory.outbox("agreement_accepted")) == len(team_emails(award))


def test_only_lead_investigators_accept_and_each_only_once(factory):
    co_investigator = factory.researcher("GB")
    award = two_year_award(factory, accept=False, co_investigator=co_investigator)
    assert co_investigator.email in team_emails(award)
    outsider = factory.researcher("GB")
    for person in (co_investigator, outsider, officer_of(factory, award)):
        with pytest.raises(PermissionDenied, match="lead investigators"):
            accept_agreement(person, award, utcnow())
    assert award.acceptances == []

    first, second = leads(award)
    accept_agreement(first, award, utcnow())
    with pytest.raises(Conflict, match="already accepted"):
        accept_agreement(first, award, utcnow())
    factory.session.flush()
    assert len(award.acceptances) == 1 and award.state == "offered"

    accept_agreement(second, award, utcnow())
    with pytest.raises(Conflict, match="active"):
        accept_agreement(second, award, utcnow())
    factory.session.flush()
    assert len(award.acceptances) == 2 and award.state == "active"


def test_an_offer_not_accepted_in_time_is_refused_until_the_officer_extends_it(factory):
    award = factory.award(accept=False)
    officer = officer_of(factory, award)
    first, second = leads(award)
    late = award.offer_expires_at + timedelta(minutes=1)
    assert award.offer_expires_at - award.offered_at == timedelta(days=28)

    accept_agreement(first, award, award.offer_expires_at - timedelta(minutes=1))
    with pytest.raises(Conflict, match="had to be accepted by"):
        accept_agreement(second, award, late)
    factory.session.flush()
    assert award.state == "offered" and len(award.acceptances) == 1

    with pytest.raises(ValidationError) as refused:
        extend_offer(officer, award, (late - timedelta(days=2)).date(), late)
    assert refused.value.field == "deadline"

    new_deadline = (late + timedelta(days=14)).date()
    extend_offer(officer, award, new_deadline, late)
    factory.session.flush()
    assert award.offer_expires_at > late + timedelta(days=13)
    assert award.offer_expires_at.astimezone(award.call.zone).date() == new_deadline
    leads_emails = {first.email, second.email}
    assert sent(factory, "award_offered", f"award_offer_extended:{award.id}:") == leads_emails

    accept_agreement(second, award, late + timedelta(days=1))
    factory.session.flush()
    assert award.state == "active"


def test_withdrawing_an_offer_cancels_every_payment_and_frees_the_envelope(factory):
    award = two_year_award(factory, accept=False)
    officer = officer_of(factory, award)
    call = award.call
    assert committed(call) == {"GBP": 8_000_000, "CNY": 10_000_000}
    assert len(award.payments) == 4

    with pytest.raises(ValidationError) as refused:
        withdraw_offer(officer, award, "  ", utcnow())
    assert refused.value.field == "reason"
    assert award.state == "offered"

    moment = utcnow()
    withdraw_offer(officer, award, "Not accepted in time.", moment)
    factory.session.flush()
    assert award.state == "withdrawn"
    assert award.closed_at == moment and award.closing_reason == "Not accepted in time."
    assert {p.state for p in award.payments} == {"cancelled"}
    assert committed(call) == {"GBP": 0, "CNY": 0}
    assert sent(factory, "award_withdrawn", f"award_withdrawn:{award.id}:") == team_emails(award)
    with pytest.raises(Conflict):
        accept_agreement(leads(award)[0], award, utcnow())


def test_an_active_award_cannot_be_withdrawn(factory):
    award = factory.award()
    with pytest.raises(Conflict):
        withdraw_offer(officer_of(factory, award), award, "Changed our mind.", utcnow())
    factory.session.flush()
    assert award.state == "active"
    assert {p.state for p in award.payments} == {"scheduled"}


def test_a_withdrawn_offer_owes_no_reports_and_is_never_listed_as_overdue(factory):
    award = factory.award(accept=False)
    withdraw_offer(officer_of(factory, award), award, "Not accepted in time.", utcnow())
    factory.session.flush()
    # Long after every report of the award would have been due.
    later = noon(report(award, "final").due_date + timedelta(days=30))
    overdue = portfolio_page(PortfolioFilters(overdue=True, call_id=award.call_id), later)
    assert award not in overdue.items
    assert [item.what for item in due_items(award, later, later.date())] == []


# --- payments ----------------------------------------------------------------------------------


def test_an_overdue_report_blocks_a_payment_until_the_report_is_accepted(factory):
    award = two_year_award(factory)
    officer = officer_of(factory, award)
    start = award.start_date
    release(factory, award, payment(award, "GBP", 1), noon(start + timedelta(days=10)))

    progress = report(award, "progress", 1)
    assert progress.due_date == add_months(start, 12) - timedelta(days=1) + timedelta(days=30)
    second = payment(award, "GBP", 2)
    now = noon(progress.due_date + timedelta(days=1))
    blockers = payment_blockers(second, now.date())
    assert len(blockers) == 1
    assert "progress report 1" in blockers[0].lower() and "not submitted" in blockers[0]
    # The day it is due it does not block yet.
    assert payment_blockers(second, progress.due_date) == []

    with pytest.raises(Conflict, match=r"(?i)progress report 1"):
        release_payment(officer, second, paid_on=now.date(), reference="BACS-0002", now=now)
    factory.session.flush()
    assert second.state == "scheduled"
    assert (second.paid_on, second.payment_reference, second.released_at) == (None, None, None)
    assert sent(factory, "payment_released", f"payment_released:{second.id}:") == set()

    # Submitted is not enough: the officer must accept it.
    write_and_submit(factory, award, progress, now)
    assert progress.state == "submitted"
    [still] = payment_blockers(second, now.date())
    assert "progress report 1" in still.lower() and "not submitted" not in still
    with pytest.raises(Conflict, match=r"(?i)progress report 1"):
        release_payment(officer, second, paid_on=now.date(), reference="BACS-0002", now=now)
    assert second.state == "scheduled"

    accept_report(factory, award, progress, now)
    assert payment_blockers(second, now.date()) == []
    release_payment(officer, second, paid_on=now.date(), reference="  BACS-0002 ", now=now)
    factory.session.flush()
    assert second.state == "released"
    assert second.paid_on == now.date()
    assert second.payment_reference == "BACS-0002"
    assert second.released_at == now and second.released_by_id == officer.id
    assert sent(factory, "payment_released", f"payment_released:{second.id}:") == team_emails(award)
    assert award.state == "active"


def test_a_report_moved_into_the_past_blocks_payment_from_today(factory):
    award = factory.award()
    officer = officer_of(factory, award)
    now = noon(award.start_date + timedelta(days=3))
    first = payment(award, "GBP", 1)
    assert payment_blockers(first, now.date()) == []
    progress = report(award, "progress", 1)
    progress.due_date = now.date() - timedelta(days=1)
    factory.session.flush()
    with pytest.raises(Conflict, match=r"(?i)progress report 1"):
        release_payment(officer, first, paid_on=now.date(), reference="FIN-1", now=now)
    assert first.state == "scheduled"


def test_payments_of_one_funder_are_released_in_order(factory):
    award = two_year_award(factory)
    officer = officer_of(factory, award)
    now = noon(award.start_date + timedelta(days=10))
    uk_second = payment(award, "GBP", 2)
    assert uk_second.amount_minor == 3_000_000 and uk_second.due_on == add_months(award.start_date, 12)

    [blocker] = payment_blockers(uk_second, now.date())
    assert blocker.startswith("Payment 1 from ")
    with pytest.raises(Conflict, match="Payment 1 from"):
        release_payment(officer, uk_second, paid_on=now.date(), reference="FIN-2", now=now)
    assert uk_second.state == "scheduled"

    # Each funder keeps its own order: China's first instalment does not wait for the UK's.
    release(factory, award, payment(award, "CNY", 1), now, "CN-1")
    assert payment(award, "GBP", 1).state == "scheduled"
    assert payment_blockers(uk_second, now.date()) == [blocker]

    release(factory, award, payment(award, "GBP", 1), now, "UK-1")
    release(factory, award, uk_second, now, "UK-2")
    assert [(p.currency, p.sequence, p.state) for p in award.payments if p.currency == "GBP"] == [
        ("GBP", 1, "released"),
        ("GBP", 2, "released"),
    ]


def test_a_payment_needs_a_date_not_in_the_future_and_a_reference(factory):
    award = factory.award()
    officer = officer_of(factory, award)
    first = payment(award, "GBP", 1)
    now = noon(award.start_date + timedelta(days=5))
    for paid_on, reference, field in (
        (now.date() + timedelta(days=1), "FIN-1", "paid_on"),
        (None, "FIN-1", "paid_on"),
        (now.date(), "   ", "reference"),
        (now.date(), "X" * 81, "reference"),
    ):
        with pytest.raises(ValidationError) as refused:
            release_payment(officer, first, paid_on=paid_on, reference=reference, now=now)
        assert refused.value.field == field
    factory.session.flush()
    assert first.state == "scheduled" and first.paid_on is None and first.payment_reference is None
    assert factory.outbox("payment_released") == []
    release_payment(officer, first, paid_on=now.date(), reference="FIN-1", now=now)
    assert first.state == "released"


def test_nothing_is_paid_on_an_offer_not_yet_accepted(factory):
    award = factory.award(accept=False)
    first = payment(award, "GBP", 1)
    now = noon(award.start_date + timedelta(days=5))
    [blocker] = payment_blockers(first, now.date())
    assert "accept the agreement" in blocker
    with pytest.raises(Conflict):
        release_payment(officer_of(factory, award), first, paid_on=now.date(), reference="FIN-1", now=now)
    assert first.state == "scheduled"


# --- no-cost extension -------------------------------------------------------------------------


def test_a_no_cost_extension_moves_the_final_report_and_adds_the_progress_report_it_now_needs(factory):
    award = two_year_award(factory)
    officer = officer_of(factory, award)
    start, old_end = award.start_date, award.end_date
    progress = report(award, "progress", 1)
    progress_due = progress.due_date
    money = money_of(award)
    envelope = committed(award.call)

    new_end = add_months(old_end, 6)
    extend_award(officer, award, new_end, "Field season lost to flooding.")
    factory.session.flush()
    assert award.end_date == new_end and award.original_end_date == old_end
    final = report(award, "final")
    assert (final.period_end, final.due_date) == (new_end, new_end + timedelta(days=90))
    assert progress.due_date == progress_due, "year 1 did not move"
    # The project now runs past the end of its second year, which needs a report of its own.
    added = report(award, "progress", 2)
    assert added.period_end == add_months(start, 24) - timedelta(days=1) == old_end
    assert added.due_date == old_end + timedelta(days=30)
    assert added.state == "due"
    assert money_of(award) == money
    assert committed(award.call) == envelope
    assert sent(factory, "award_changed", f"award_extended:{award.id}:") == team_emails(award)


def test_an_extension_within_the_same_project_year_adds_no_report(factory):
    award = factory.award()
    start = award.start_date
    # A project ending 20 months in, extended to 23 months: still inside year two.
    award.end_date = add_months(start, 20) - timedelta(days=1)
    factory.session.flush()
    new_end = add_months(start, 23) - timedelta(days=1)
    extend_award(officer_of(factory, award), award, new_end, "Late equipment delivery.")
    factory.session.flush()
    assert sorted((r.kind, r.sequence) for r in award.reports) == [("final", 1), ("progress", 1)]
    assert report(award, "final").due_date == new_end + timedelta(days=90)


def test_an_extension_leaves_submitted_and_accepted_reports_where_they_were(factory):
    award = factory.award()
    now = noon(award.start_date + timedelta(days=20))
    progress = accept_report(
        factory, award, write_and_submit(factory, award, report(award, "progress"), now), now
    )
    final = write_and_submit(factory, award, report(award, "final"), now)
    before = [(r.kind, r.sequence, r.period_end, r.due_date, r.state) for r in (progress, final)]

    extend_award(officer_of(factory, award), award, award.end_date + timedelta(days=60), "More time.")
    factory.session.flush()
    assert [(r.kind, r.sequence, r.period_end, r.due_date, r.state) for r in (progress, final)] == before


def test_an_extension_must_move_the_end_later_and_give_a_reason(factory):
    award = factory.award()
    officer = officer_of(factory, award)
    end = award.end_date
    final_due = report(award, "final").due_date
    for new_end, reason, field in (
        (end - timedelta(days=1), "Shorter.", "end_date"),
        (end, "Same.", "end_date"),
        (None, "No date.", "end_date"),
        (end + timedelta(days=90), "   ", "reason"),
    ):
        with pytest.raises(ValidationError) as refused:
            extend_award(officer, award, new_end, reason)
        assert refused.value.field == field
    factory.session.flush()
    assert award.end_date == end and report(award, "final").due_date == final_due
    assert "award.extended" not in actions_on(factory, award)


# --- budget transfer ---------------------------------------------------------------------------


def test_a_budget_transfer_moves_money_between_categories_and_keeps_each_funders_total(factory):
    award = two_year_award(factory)
    officer = officer_of(factory, award)
    uk, cn = award.call.funders
    assert budget_by_category(award, "GBP") == {"equipment": 3_000_000, "staff": 5_000_000}
    payments = money_of(award)[2]

    transfer_budget(
        officer,
        award,
        call_funder_id=uk.id,
        from_category="staff",
        to_category="consumables",
        amount="1,234.56",
        reason="Reagents cost more than planned.",
    )
    factory.session.flush()
    assert budget_by_category(award, "GBP") == {
        "consumables": 123_456,
        "equipment": 3_000_000,
        "staff": 4_876_544,
    }
    # The whole of a category can move, to the fen.
    transfer_budget(
        officer,
        award,
        call_funder_id=cn.id,
        from_category="travel",
        to_category="staff",
        amount="100,000.00",
        reason="Visits replaced by a local postdoc.",
    )
    factory.session.flush()
    assert budget_by_category(award, "CNY") == {"staff": 10_000_000, "travel": 0}
    for funding in award.fundings:
        lines = [b.amount_minor for b in award.budget if b.call_funder_id == funding.call_funder_id]
        assert sum(lines) == funding.amount_minor
    assert money_of(award)[2] == payments
    event = (
        factory.session.query(AuditEvent)
        .filter_by(subject_type="Award", subject_id=award.id, action="award.budget_transferred")
        .order_by(AuditEvent.id)
        .first()
    )
    assert event.changes["staff"] == [5_000_000, 4_876_544]
    assert event.changes["consumables"] == [0, 123_456]


def test_a_budget_transfer_is_refused_beyond_what_the_category_holds_or_between_the_wrong_things(factory):
    award = factory.award()
    officer = officer_of(factory, award)
    uk, _ = award.call.funders
    other_call_funder = factory.call().funders[0]
    before = budget_by_category(award, "GBP")
    assert before == {"staff": 5_000_000}
    attempts = [
        (uk.id, "staff", "equipment", "50,000.01", "x", "amount"),
        (uk.id, "staff", "staff", "10", "x", "to_category"),
        (other_call_funder.id, "staff", "equipment", "10", "x", "call_funder_id"),
        (uk.id, "staff", "yachts", "10", "x", "from_category"),
        (uk.id, "staff", "equipment", "0", "x", "amount"),
        (uk.id, "staff", "equipment", "10.001", "x", "amount"),
        (uk.id, "staff", "equipment", "10", "  ", "reason"),
    ]
    for call_funder_id, source, target, amount, reason, field in attempts:
        with pytest.raises(ValidationError) as refused:
            transfer_budget(
                officer,
                award,
                call_funder_id=call_funder_id,
                from_category=source,
                to_category=target,
                amount=amount,
                reason=reason,
            )
        assert refused.value.field == field, (source, target, amount)
    factory.session.flush()
    assert budget_by_category(award, "GBP") == before
    assert "award.budget_transferred" not in actions_on(factory, award)


# --- termination -------------------------------------------------------------------------------


def test_termination_cancels_later_payments_and_reports_and_returns_their_money(factory):
    award = two_year_award(factory)
    officer = officer_of(factory, award)
    start = award.start_date
    release(factory, award, payment(award, "GBP", 1), noon(start + timedelta(days=10)), "UK-1")
    assert committed(award.call) == {"GBP": 8_000_000, "CNY": 10_000_000}

    effective = add_months(start, 6)
    now = noon(effective)
    terminate_award(officer, award, effective, "The partner laboratory closed.", now)
    factory.session.flush()
    assert award.state == "terminated"
    assert award.end_date == effective and award.closed_at == now
    assert award.closing_reason == "The partner laboratory closed."
    states = {(p.currency, p.sequence): p.state for p in award.payments}
    assert states == {
        ("GBP", 1): "released",
        ("GBP", 2): "cancelled",
        ("CNY", 1): "scheduled",
        ("CNY", 2): "cancelled",
    }
    # Year 2's money (£30,000 and ¥20,000) goes back to the envelopes.
    assert committed(award.call) == {"GBP": 5_000_000, "CNY": 8_000_000}
    assert report(award, "progress", 1).state == "cancelled"
    final = report(award, "final")
    assert (final.period_end, final.due_date, final.state) == (
        effective,
        effective + timedelta(days=90),
        "due",
    )
    assert sent(factory, "award_changed", f"award_terminated:{award.id}:") == team_emails(award)


def test_a_payment_due_before_termination_can_still_be_released(factory):
    award = two_year_award(factory)
    officer = officer_of(factory, award)
    start = award.start_date
    for currency in ("GBP", "CNY"):
        release(factory, award, payment(award, currency, 1), noon(start + timedelta(days=10)))
    uk_second = payment(award, "GBP", 2)
    effective = uk_second.due_on + timedelta(days=3)
    terminate_award(officer, award, effective, "The project lead retired.", noon(effective))
    factory.session.flush()
    # Due before the award ended: it was kept, so it is to be paid.
    assert uk_second.state == "scheduled"
    assert committed(award.call)["GBP"] == 8_000_000
    now = noon(effective + timedelta(days=1))
    assert payment_blockers(uk_second, now.date()) == []
    release_payment(officer, uk_second, paid_on=now.date(), reference="UK-2", now=now)
    assert uk_second.state == "released"


def test_termination_must_fall_within_the_award(factory):
    award = factory.award()
    officer = officer_of(factory, award)
    for effective in (award.start_date - timedelta(days=1), award.end_date + timedelta(days=1), None):
        with pytest.raises(ValidationError) as refused:
            terminate_award(officer, award, effective, "Ending.", utcnow())
        assert refused.value.field == "end_date"
    with pytest.raises(ValidationError) as refused:
        terminate_award(officer, award, award.start_date, " ", utcnow())
    assert refused.value.field == "reason"
    factory.session.flush()
    assert award.state == "active" and award.end_date == award.original_end_date
    assert {p.state for p in award.payments} == {"scheduled"}


def test_only_an_active_award_is_terminated(factory):
    award = factory.award(accept=False)
    with pytest.raises(Conflict):
        terminate_award(officer_of(factory, award), award, award.start_date, "Ending.", utcnow())
    assert award.state == "offered"


# --- reports -----------------------------------------------------------------------------------


def test_a_report_goes_back_to_the_team_until_the_officer_accepts_it(factory):
    award = factory.award()
    officer = officer_of(factory, award)
    lead, partner = leads(award)
    progress = report(award, "progress", 1)
    now = noon(award.start_date + timedelta(days=300))

    save_report(lead, progress, summary="  ", outcomes="A dataset.", problems="")
    factory.session.flush()
    assert progress.state == "due" and progress.outcomes == "A dataset."
    with pytest.raises(ValidationError) as refused:
        submit_report(lead, progress, now)
    assert refused.value.field == "summary"
    assert progress.state == "due"

    outsider = factory.researcher("GB")
    for person in (outsider, officer):
        with pytest.raises(PermissionDenied):
            save_report(person, progress, summary="Not mine.")
    with pytest.raises(Conflict):
        review_report(officer, progress, accept=True, note="", now=now)

    save_report(lead, progress, summary="Year one went to plan.", outcomes="A dataset.", problems="")
    submit_report(lead, progress, now)
    factory.session.flush()
    assert progress.state == "submitted"
    assert (progress.submitted_at, progress.submitted_by_id) == (now, lead.id)
    with pytest.raises(Conflict, match="cannot change"):
        save_report(partner, progress, summary="Changed after submission.")
    assert progress.summary == "Year one went to plan."

    with pytest.raises(ValidationError) as refused:
        review_report(officer, progress, accept=False, note=" ", now=now)
    assert refused.value.field == "note"
    assert progress.state == "submitted"
    review_report(officer, progress, accept=False, note="Add the Chinese field results.", now=now)
    factory.session.flush()
    assert progress.state == "changes_requested"
    assert progress.review_note == "Add the Chinese field results."
    assert progress.reviewed_by_id == officer.id
    assert sent(factory, "report_reviewed", f"report_reviewed:{progress.id}:") == team_emails(award)

    later = now + timedelta(days=7)
    save_report(partner, progress, summary="Year one, both sites.", outcomes="Two datasets.", problems="")
    submit_report(partner, progress, later)
    factory.session.flush()
    assert progress.state == "submitted" and progress.submitted_by_id == partner.id

    review_report(officer, progress, accept=True, note="", now=later + timedelta(days=1))
    factory.session.flush()
    assert progress.state == "accepted"
    assert len(factory.outbox("report_reviewed")) == 2 * len(team_emails(award))
    with pytest.raises(Conflict):
        save_report(lead, progress, summary="Too late.")
    assert award.state == "active", "a progress report does not complete the award"


def test_reports_are_written_only_once_the_award_is_active(factory):
    award = factory.award(accept=False)
    with pytest.raises(Conflict, match="once every lead investigator has accepted"):
        save_report(uk_lead(award), report(award, "progress"), summary="Too early.")
    assert report(award, "progress").summary == ""


def test_the_final_report_accepted_with_nothing_left_to_pay_completes_the_award(factory):
    award = factory.award()
    officer = officer_of(factory, award)
    now = noon(award.start_date + timedelta(days=10))
    progress = write_and_submit(factory, award, report(award, "progress"), now)
    final = write_and_submit(factory, award, report(award, "final"), now)

    release(factory, award, payment(award, "GBP", 1), now)
    assert award.state == "active"
    assert complete_if_finished(officer, award, now) is False, "the final report is not accepted yet"
    accept_report(factory, award, final, now)
    assert award.state == "active", "the progress report is not accepted yet"
    assert complete_if_finished(officer, award, now) is False

    accept_report(factory, award, progress, now)
    assert award.state == "active", "China's payment is still to be made"
    assert award.closed_at is None

    later = now + timedelta(days=1)
    release(factory, award, payment(award, "CNY", 1), later)
    assert award.state == "completed"
    assert award.closed_at == later
    assert actions_on(factory, award).count("award.completed") == 1


def test_accepting_the_final_report_last_completes_the_award(factory):
    award = factory.award()
    now = noon(award.start_date + timedelta(days=10))
    for currency in ("GBP", "CNY"):
        release(factory, award, payment(award, currency, 1), now)
    assert award.state == "active"
    accept_report(factory, award, write_and_submit(factory, award, report(award, "progress"), now), now)
    final = write_and_submit(factory, award, report(award, "final"), now)
    accept_report(factory, award, final, now)
    assert award.state == "completed" and award.closed_at == now
    assert "award.completed" in actions_on(factory, award)


def test_a_report_file_must_be_a_pdf_by_its_content(factory):
    award = factory.award()
    progress = report(award, "progress")
    lead = uk_lead(award)
    zipped = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 200
    with pytest.raises(ValidationError, match="not a PDF") as refused:
        add_report_file(lead, progress, filename="results.pdf", content=zipped, now=utcnow())
    assert refused.value.field == "file"
    with pytest.raises(ValidationError):
        add_report_file(
            lead, progress, filename="results.docx", content=one_page_pdf("Results"), now=utcnow()
        )
    factory.session.flush()
    assert progress.files == []

    content = one_page_pdf("Year one results")
    attached = add_report_file(lead, progress, filename="results.pdf", content=content, now=utcnow())
    factory.session.flush()
    assert progress.files == [attached]
    assert attached.original_name == "results.pdf"
    assert attached.size_bytes == len(content)
    assert attached.uploaded_by_id == lead.id
    assert "report.file_added" in actions_on(factory, award)


# --- the audit trail ---------------------------------------------------------------------------


def test_every_change_to_an_award_leaves_an_audit_event(factory):
    award = two_year_award(factory, accept=False)
    officer = officer_of(factory, award)
    start = award.start_date
    accept_all(factory, award)

    milestone = add_milestone(officer, award, "Field trial planted", start + timedelta(days=90))
    mark_milestone_achieved(uk_lead(award), milestone, start + timedelta(days=85), "Planted early.")
    uk, _ = award.call.funders
    transfer_budget(
        officer,
        award,
        call_funder_id=uk.id,
        from_category="staff",
        to_category="travel",
        amount="500",
        reason="Conference.",
    )
    extend_award(officer, award, add_months(award.end_date, 3), "Late start.")
    now = noon(start + timedelta(days=100))
    release(factory, award, payment(award, "GBP", 1), now)
    progress = write_and_submit(factory, award, report(award, "progress"), now)
    review_report(officer, progress, accept=False, note="Say more about the trials.", now=now)
    write_and_submit(factory, award, progress, now + timedelta(hours=1))
    accept_report(factory, award, progress, now + timedelta(hours=2))
    terminate_award(officer, award, start + timedelta(days=200), "Funding withdrawn.", now)
    factory.session.flush()

    actions = actions_on(factory, award)
    expected = [
        "award.offered",
        "award.agreement_accepted",
        "award.active",
        "award.milestone_added",
        "award.milestone_achieved",
        "award.budget_transferred",
        "award.extended",
        "award.payment_released",
        "report.saved",
        "report.submitted",
        "report.changes_requested",
        "report.accepted",
        "award.terminated",
    ]
    assert [action for action in expected if action not in actions] == []
    assert actions.count("award.agreement_accepted") == 2
    assert actions.count("report.submitted") == 2
    events = factory.session.query(AuditEvent).filter_by(subject_type="Award", subject_id=award.id).all()
    assert all(e.actor_id is not None for e in events)
    terminated = next(e for e in events if e.action == "award.terminated")
    assert terminated.changes["state"] == ["active", "terminated"]
    assert terminated.changes["reason"] == [None, "Funding withdrawn."]


# --- conflicts of interest ---------------------------------------------------------------------


def _management_attempts(factory, award, colleague):
    """Every service an officer uses on a running award, as the conflicted colleague."""
    officer = officer_of(factory, award)
    uk, _ = award.call.funders
    milestone = add_milestone(officer, award, "Data shared", award.start_date + timedelta(days=30))
    now = noon(award.start_date + timedelta(days=10))
    progress = write_and_submit(factory, award, report(award, "progress"), now)
    return {
        "extend_award": lambda: extend_award(colleague, award, award.end_date + timedelta(days=30), "More."),
        "transfer_budget": lambda: transfer_budget(
            colleague,
            award,
            call_funder_id=uk.id,
            from_category="staff",
            to_category="travel",
            amount="10",
            reason="Travel.",
        ),
        "terminate_award": lambda: terminate_award(colleague, award, award.start_date, "Stop.", now),
        "add_milestone": lambda: add_milestone(colleague, award, "Mine", award.start_date),
        "mark_milestone_achieved": lambda: mark_milestone_achieved(colleague, milestone, now.date(), "Done."),
        "release_payment": lambda: release_payment(
            colleague, payment(award, "GBP", 1), paid_on=now.date(), reference="FIN-9", now=now
        ),
        "review_report": lambda: review_report(colleague, progress, accept=True, note="", now=now),
        "withdraw_offer": lambda: withdraw_offer(colleague, award, "Withdrawn.", now),
    }


MANAGEMENT_SERVICES = [
    "extend_award",
    "transfer_budget",
    "terminate_award",
    "add_milestone",
    "mark_milestone_achieved",
    "release_payment",
    "review_report",
    "withdraw_offer",
]


@pytest.mark.parametrize("service", MANAGEMENT_SERVICES)
def test_a_conflicted_officer_is_refused_on_every_management_service(factory, service):
    award = factory.award()
    colleague = factory.officer(institution_id=uk_lead(award).institution_id)
    attempt = _management_attempts(factory, award, colleague)[service]
    factory.session.flush()
    before = (award.state, award.end_date, money_of(award), len(award.milestones))
    events = len(actions_on(factory, award))
    with pytest.raises(PermissionDenied, match="conflict of interest"):
        attempt()
    factory.session.flush()
    assert (award.state, award.end_date, money_of(award), len(award.milestones)) == before
    assert len(actions_on(factory, award)) == events
    assert all(m.achieved_on is None for m in award.milestones)
    assert report(award, "progress").state == "submitted"


def test_a_conflicted_officer_cannot_extend_or_withdraw_an_offer(factory):
    award = factory.award(accept=False)
    colleague = factory.officer(institution_id=uk_lead(award).institution_id)
    expires = award.offer_expires_at
    with pytest.raises(PermissionDenied, match="conflict of interest"):
        extend_offer(colleague, award, (expires + timedelta(days=10)).date(), utcnow())
    with pytest.raises(PermissionDenied, match="conflict of interest"):
        withdraw_offer(colleague, award, "Withdrawn.", utcnow())
    factory.session.flush()
    assert award.state == "offered" and award.offer_expires_at == expires


def test_an_unconflicted_colleague_may_manage_the_same_award(factory):
    award = factory.award()
    colleague = factory.officer()
    now = noon(award.start_date + timedelta(days=10))
    milestone = add_milestone(colleague, award, "Kick-off meeting", award.start_date)
    first = release_payment(
        colleague, payment(award, "GBP", 1), paid_on=now.date(), reference="FIN-1", now=now
    )
    factory.session.flush()
    assert milestone in award.milestones
    assert first.state == "released" and first.released_by_id == colleague.id


def test_the_portfolio_totals_count_only_money_that_still_stands_and_only_the_filtered_funder(factory):
    from grants.awards.services.portfolio import PortfolioFilters, portfolio_totals

    kept = factory.award(accept=True)
    withdrawn = factory.award(accept=False)
    officer = officer_of(factory, withdrawn)
    withdraw_offer(officer, withdrawn, "Not accepted in time.", utcnow())
    factory.session.flush()
    uk = kept.fundings[0].call_funder.funder
    totals = {t.funder: t for t in portfolio_totals(PortfolioFilters(), utcnow())}
    assert withdrawn.fundings[0].call_funder.funder.short_name not in totals
    kept_total = totals[uk.short_name]
    assert (
        kept_total.awarded_minor
        == kept_total.paid_minor + kept_total.to_pay_minor
        == kept.fundings[0].amount_minor
    )
    only_uk = portfolio_totals(PortfolioFilters(funder_id=uk.id), utcnow())
    assert [t.funder for t in only_uk] == [uk.short_name]


def test_the_start_date_moves_only_before_acceptance_and_the_schedules_follow(factory):
    from grants.awards.services.offers import move_start

    award = factory.award(accept=False)
    officer = officer_of(factory, award)
    total = {f.currency: f.amount_minor for f in award.fundings}
    new_start = award.start_date + timedelta(days=45)
    with pytest.raises(ValidationError) as refused:
        move_start(officer, award, new_start, " ", utcnow())
    assert refused.value.field == "reason"
    with pytest.raises(ValidationError):
        move_start(officer, award, utcnow().date() - timedelta(days=1), "Too late.", utcnow())

    move_start(officer, award, new_start, "The postdoc starts later.", utcnow())
    factory.session.flush()
    assert award.start_date == new_start
    assert (
        award.end_date
        == award.original_end_date
        == end_date_for(new_start, award.application.duration_months)
    )
    assert min(p.due_on for p in award.payments) == new_start
    for currency, amount in total.items():
        assert sum(p.amount_minor for p in award.payments if p.currency == currency) == amount
    final = report(award, "final")
    assert final.due_date == award.end_date + timedelta(days=90)
    assert "award.start_moved" in actions_on(factory, award)
    assert factory.outbox("award_changed")

    lead = uk_lead(award)
    accept_agreement(lead, award, utcnow())
    with pytest.raises(Conflict, match="has accepted"):
        move_start(officer, award, new_start + timedelta(days=30), "Again.", utcnow())
