"""Releasing scheduled payments. A payment waits while the award is not active, while an earlier
instalment from the same funder is unpaid, or while any report is overdue and not yet accepted;
the page shows which of these holds."""

from __future__ import annotations

from datetime import date, datetime

from grants.accounts.models import User
from grants.audit.services import record
from grants.awards.models import Award, Payment
from grants.awards.services.completion import complete_if_finished
from grants.awards.services.mail import email_award_team
from grants.awards.services.offers import require_managing
from grants.awards.states import AwardState, PaymentState, ReportState
from grants.database import lock_and_reload
from grants.errors import Conflict, ValidationError
from grants.money import format_money

# How a report that holds payments stands, in the words of the reason shown.
REPORT_WAIT = {
    ReportState.DUE: "is not submitted",
    ReportState.SUBMITTED: "is waiting for the officer's review",
    ReportState.CHANGES_REQUESTED: "is back with the team for changes",
}


def award_today(award: Award, now: datetime) -> date:
    """Dates of an award are days in its call's time zone."""
    return now.astimezone(award.call.zone).date()


def payment_blockers(payment: Payment, today: date) -> list[str]:
    """Why ``payment`` cannot be released today, in words; empty when it can."""
    award = payment.award
    if payment.state != PaymentState.SCHEDULED:
        return [f"This payment is {payment.state_label.lower()}."]
    reasons = []
    # A terminated award still pays what fell due by its end (the rest was cancelled).
    if award.state not in (AwardState.ACTIVE, AwardState.TERMINATED):
        reasons.append(
            "The award is not active: every lead investigator must accept the agreement first."
            if award.state == AwardState.OFFERED
            else f"The award is {award.state_label.lower()}."
        )
    earlier = [
        p
        for p in award.payments
        if p.call_funder_id == payment.call_funder_id
        and p.sequence < payment.sequence
        and p.state == PaymentState.SCHEDULED
    ]
    if earlier:
        reasons.append(
            f"Payment {earlier[0].sequence} from {payment.call_funder.funder.short_name} is not released yet."
        )
    for report in award.reports:
        if report.holds_payments(today):
            reasons.append(
                f"{report.title} was due on {report.due_date:%d %B %Y} and {REPORT_WAIT[report.state]}; "
                "payments wait until it is accepted."
            )
    return reasons


def release_payment(
    actor: User, payment: Payment, *, paid_on: date | None, reference: str, now: datetime
) -> Payment:
    """Record a payment as made, with the date and the bank's or finance system's reference."""
    award = payment.award
    require_managing(actor, award)
    lock_and_reload(award)
    lock_and_reload(payment)
    today = award_today(award, now)
    blockers = payment_blockers(payment, today)
    if blockers:
        raise Conflict("This payment cannot be released. " + " ".join(blockers))
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError("Enter the payment reference from the finance system.", field="reference")
    if len(reference) > 80:
        raise ValidationError("Keep the reference under 80 characters.", field="reference")
    if paid_on is None:
        raise ValidationError("Enter the date the payment was made.", field="paid_on")
    if paid_on > today:
        raise ValidationError(
            "A payment is recorded once made: the date cannot be in the future.", field="paid_on"
        )
    payment.state = PaymentState.RELEASED
    payment.paid_on = paid_on
    payment.payment_reference = reference
    payment.released_at = now
    payment.released_by_id = actor.id
    amount = format_money(payment.amount_minor, payment.currency)
    record(
        actor,
        "award.payment_released",
        award,
        {
            "payment": [None, f"{payment.call_funder.funder.short_name} {payment.sequence}: {amount}"],
            "reference": [None, reference],
        },
    )
    email_award_team(
        award,
        "payment_released",
        f"payment_released:{payment.id}",
        amount=amount,
        funder=payment.call_funder.funder.name,
        paid_on=paid_on.isoformat(),
        payment_reference=reference,
    )
    complete_if_finished(actor, award, now)
    return payment
