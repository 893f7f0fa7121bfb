"""Releasing scheduled payments. A payment waits while the award is not active, while an earlier
instalment from the same funder is unpaid, or while any report is overdue and not yet accepted;
the page shows which of these holds."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grants.accounts.models import User
from grants.audit.services import record
from grants.awards.models import Award, Payment
from grants.awards.services.completion import complete_if_finished
from grants.awards.services.mail import email_award_team
from grants.awards.services.offers import require_managing
from grants.awards.states import AwardState, PaymentState, ReportState
from grants.database import lock_and_reload
from grants.errors import Conflict, ValidationError
from grants.i18n import reader_day
from grants.money import format_money

# Why a report holds payments, by how it stands: the reason shown.
REPORT_WAIT = {
    ReportState.DUE: _l(
        "%(report)s was due on %(due)s and is not submitted; payments wait until it is accepted."
    ),
    ReportState.SUBMITTED: _l(
        "%(report)s was due on %(due)s and is waiting for the officer's review; "
        "payments wait until it is accepted."
    ),
    ReportState.CHANGES_REQUESTED: _l(
        "%(report)s was due on %(due)s and is back with the team for changes; "
        "payments wait until it is accepted."
    ),
}


def award_today(award: Award, now: datetime) -> date:
    """Dates of an award are days in its call's time zone."""
    return now.astimezone(award.call.zone).date()


def payment_blockers(payment: Payment, today: date) -> list[str]:
    """Why ``payment`` cannot be released today, in words; empty when it can."""
    award = payment.award
    if payment.state != PaymentState.SCHEDULED:
        return [_("This payment is %(state)s.", state=payment.state_label.lower())]
    reasons = []
    # A terminated award still pays what fell due by its end (the rest was cancelled).
    if award.state not in (AwardState.ACTIVE, AwardState.TERMINATED):
        reasons.append(
            _("The award is not active: every lead investigator must accept the agreement first.")
            if award.state == AwardState.OFFERED
            else _("The award is %(state)s.", state=award.state_label.lower())
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
            _(
                "Payment %(number)s from %(funder)s is not released yet.",
                number=earlier[0].sequence,
                funder=payment.call_funder.funder.short_name,
            )
        )
    for report in award.reports:
        if report.holds_payments(today):
            reasons.append(
                str(REPORT_WAIT[report.state]) % {"report": report.title, "due": reader_day(report.due_date)}
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
        raise Conflict(_("This payment cannot be released. %(reasons)s", reasons=" ".join(blockers)))
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError(_("Enter the payment reference from the finance system."), field="reference")
    if len(reference) > 80:
        raise ValidationError(_("Keep the reference under 80 characters."), field="reference")
    if paid_on is None:
        raise ValidationError(_("Enter the date the payment was made."), field="paid_on")
    if paid_on > today:
        raise ValidationError(
            _("A payment is recorded once made: the date cannot be in the future."), field="paid_on"
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
