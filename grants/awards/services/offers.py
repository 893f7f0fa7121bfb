"""Offering an award, and its agreement: every lead investigator accepts the programme's terms
before the award becomes active; an offer not accepted in time is flagged and can be withdrawn."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from grants.accounts.models import User
from grants.applications.models import Application
from grants.audit.services import record
from grants.awards.models import (
    AgreementAcceptance,
    Award,
    AwardBudgetLine,
    AwardFunding,
    DecisionAmount,
    Payment,
)
from grants.awards.schedule import add_months, apportion, end_date_for, payment_schedule
from grants.awards.services.mail import email_award_team, email_leads
from grants.awards.services.schedules import moves_text, schedule_reports
from grants.awards.states import AwardState, PaymentState, ReportState, check_award_transition
from grants.database import lock_and_reload
from grants.errors import Conflict, PermissionDenied, ValidationError
from grants.extensions import db
from grants.i18n import reader_moment
from grants.money import format_money
from grants.security.predicates import can_accept_agreement, can_manage_award

# How long lead investigators have to accept an offer.
ACCEPTANCE_PERIOD = timedelta(days=28)
# As for a draft's start date (within three years of the call): a start decades away is a typing
# slip, and one near the calendar's last year (9999) leaves no room for the project's end.
MAX_START_DELAY_YEARS = 3


def lead_members(application: Application) -> list:
    """The joined lead investigators: each must accept the agreement."""
    return [m for m in application.members if m.role == "lead" and m.user_id and m.accepted_at]


def terms_fingerprint(terms: str) -> str:
    return hashlib.sha256(terms.encode()).hexdigest()


def award_start(application: Application, now: datetime) -> date:
    """The proposed start date, or the first of next month when that has already passed."""
    today = now.astimezone(application.call.zone).date()
    proposed = application.start_date
    if proposed is not None and proposed > today:
        return proposed
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def project_end(application: Application, start: date) -> date:
    """The last day of the project when it starts on ``start``: its proposed length is kept."""
    return end_date_for(start, application.duration_months or application.call.min_duration_months)


def offer_award(
    actor: User, application: Application, amounts: Iterable[DecisionAmount], now: datetime
) -> Award:
    """Create the award offer for a released award decision: funding per funder, the budget by
    category, payments per project year and the report schedule, all adding up exactly."""
    start = award_start(application, now)
    end = project_end(application, start)
    award = Award(
        application=application,
        call_id=application.call_id,
        reference=application.reference,
        state=AwardState.OFFERED,
        start_date=start,
        end_date=end,
        original_end_date=end,
        terms=application.call.programme.ip_terms,
        offered_at=now,
        offer_expires_at=now + ACCEPTANCE_PERIOD,
        offered_by_id=actor.id,
    )
    db.session.add(award)
    for amount in amounts:
        award.fundings.append(
            AwardFunding(
                call_funder_id=amount.call_funder_id,
                currency=amount.currency,
                amount_minor=amount.amount_minor,
            )
        )
        _split_budget(award, application, amount)
        _schedule_payments(award, application, amount)
    schedule_reports(award)
    record(
        actor,
        "award.offered",
        award,
        {
            "amounts": [None, ", ".join(format_money(f.amount_minor, f.currency) for f in award.fundings)],
            "start_date": [None, start.isoformat()],
            "end_date": [None, end.isoformat()],
        },
    )
    email_leads(
        award, "award_offered", f"award_offered:{award.id}", expires_at=award.offer_expires_at.isoformat()
    )
    return award


def _requested(application: Application, call_funder_id: int) -> list:
    return [line for line in application.budget_lines if line.call_funder_id == call_funder_id]


def _split_budget(award: Award, application: Application, amount: DecisionAmount | AwardFunding) -> None:
    """The award's budget per category, in proportion to the request (exactly the request when
    the award is the full amount)."""
    by_category: dict[str, int] = defaultdict(int)
    for line in _requested(application, amount.call_funder_id):
        by_category[line.category] += line.amount_minor
    categories = sorted(by_category) or ["other"]
    parts = apportion(amount.amount_minor, [by_category.get(c, 0) for c in categories])
    for category, part in zip(categories, parts, strict=True):
        award.budget.append(
            AwardBudgetLine(
                call_funder_id=amount.call_funder_id,
                category=category,
                currency=amount.currency,
                amount_minor=part,
            )
        )


def _schedule_payments(award: Award, application: Application, amount: DecisionAmount | AwardFunding) -> None:
    by_year: dict[int, int] = defaultdict(int)
    for line in _requested(application, amount.call_funder_id):
        by_year[line.year] += line.amount_minor
    weights = [by_year.get(year, 0) for year in range(1, max(by_year, default=1) + 1)]
    for slot in payment_schedule(award.start_date, award.end_date, amount.amount_minor, weights):
        award.payments.append(
            Payment(
                call_funder_id=amount.call_funder_id,
                sequence=slot.sequence,
                currency=amount.currency,
                amount_minor=slot.amount_minor,
                due_on=slot.due_on,
            )
        )


def offer_lapsed(award: Award, now: datetime) -> bool:
    """An offer still waiting for acceptance after its deadline: flagged to officers."""
    return award.state == AwardState.OFFERED and award.offer_expires_at <= now


def accept_agreement(actor: User, award: Award, now: datetime) -> Award:
    """One lead investigator accepts the agreement; the last acceptance makes the award active."""
    lock_and_reload(award)
    if not can_accept_agreement(actor, award):
        if award.state != AwardState.OFFERED:
            raise Conflict(
                _("This award is %(state)s; there is nothing to accept.", state=award.state_label.lower())
            )
        raise PermissionDenied(_("Only the lead investigators accept the award agreement."))
    if offer_lapsed(award, now):
        raise Conflict(
            _(
                "The offer had to be accepted by %(deadline)s. "
                "Contact the programme officer, who can extend it.",
                deadline=reader_moment(award.offer_expires_at, award.call.time_zone),
            )
        )
    if any(a.user_id == actor.id for a in award.acceptances):
        raise Conflict(_("You have already accepted this agreement."))
    award.acceptances.append(
        AgreementAcceptance(user_id=actor.id, terms_sha256=terms_fingerprint(award.terms), accepted_at=now)
    )
    record(actor, "award.agreement_accepted", award, {"accepted_by": [None, actor.full_name]})
    accepted = {a.user_id for a in award.acceptances}
    if all(member.user_id in accepted for member in lead_members(award.application)):
        check_award_transition(award.state, AwardState.ACTIVE)
        award.state = AwardState.ACTIVE
        award.activated_at = now
        record(actor, "award.active", award, {"state": [AwardState.OFFERED.value, AwardState.ACTIVE.value]})
        email_award_team(award, "agreement_accepted", f"agreement_accepted:{award.id}")
    return award


def require_managing(actor: User, award: Award) -> None:
    if not can_manage_award(actor, award):
        raise PermissionDenied(_("Only programme officers without a conflict of interest manage this award."))


def extend_offer(actor: User, award: Award, new_deadline: date | None, now: datetime) -> Award:
    """Give the leads until the end of ``new_deadline`` (in the call's time zone) to accept."""
    require_managing(actor, award)
    lock_and_reload(award)
    if award.state != AwardState.OFFERED:
        raise Conflict(_("Only an offer waiting for acceptance can be extended."))
    if new_deadline is None:
        raise ValidationError(_("Enter the new acceptance deadline."), field="deadline")
    deadline = datetime.combine(new_deadline, time(23, 59), award.call.zone)
    if deadline <= now:
        raise ValidationError(_("The new deadline must be in the future."), field="deadline")
    before = award.offer_expires_at
    award.offer_expires_at = deadline
    record(
        actor, "award.offer_extended", award, {"offer_expires_at": [before.isoformat(), deadline.isoformat()]}
    )
    email_leads(
        award,
        "award_offered",
        f"award_offer_extended:{award.id}:{deadline.date().isoformat()}",
        expires_at=deadline.isoformat(),
        extended=True,
    )
    return award


def withdraw_offer(actor: User, award: Award, reason: str, now: datetime) -> Award:
    """Take back an offer (usually one not accepted in time). Its money returns to the envelopes and
    its reports are no longer owed."""
    require_managing(actor, award)
    lock_and_reload(award)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for withdrawing the offer."), field="reason")
    check_award_transition(award.state, AwardState.WITHDRAWN)
    award.state = AwardState.WITHDRAWN
    award.closed_at = now
    award.closing_reason = reason
    for payment in award.payments:
        payment.state = PaymentState.CANCELLED
    for report in award.reports:
        if report.is_editable:
            report.state = ReportState.CANCELLED
    record(actor, "award.withdrawn", award, {"state": ["offered", "withdrawn"], "reason": [None, reason]})
    email_award_team(award, "award_withdrawn", f"award_withdrawn:{award.id}", reason=reason)
    return award


def move_start(actor: User, award: Award, new_start: date | None, reason: str, now: datetime) -> Award:
    """Agree a different start date before anyone has accepted the offer. The project keeps its
    length; the payments and reports are scheduled again from the new dates, and the leads are
    told (the letter they accept shows the new dates)."""
    require_managing(actor, award)
    lock_and_reload(award)
    if award.state != AwardState.OFFERED:
        raise Conflict(_("The start date can change only while the offer waits for acceptance."))
    if award.acceptances:
        raise Conflict(
            _(
                "A lead investigator has accepted the offer with its dates. Withdraw it and decide the "
                "application again from the reserve list, or agree an extension once the award is active."
            )
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the new start date."), field="reason")
    if new_start is None:
        raise ValidationError(_("Enter the new start date."), field="start_date")
    today = now.astimezone(award.call.zone).date()
    if new_start < today:
        raise ValidationError(_("The start date cannot be in the past."), field="start_date")
    if new_start > add_months(today, 12 * MAX_START_DELAY_YEARS):
        raise ValidationError(
            _("The new start date must be within %(years)d years of today.", years=MAX_START_DELAY_YEARS),
            field="start_date",
        )
    before = (award.start_date, award.end_date)
    application = award.application
    award.start_date = new_start
    award.end_date = award.original_end_date = project_end(application, new_start)
    for payment in list(award.payments):
        award.payments.remove(payment)
    db.session.flush()
    for funding in award.fundings:
        _schedule_payments(award, application, funding)
    moved = schedule_reports(award)
    record(
        actor,
        "award.start_moved",
        award,
        {
            "start_date": [before[0].isoformat(), new_start.isoformat()],
            "end_date": [before[1].isoformat(), award.end_date.isoformat()],
            "reason": [None, reason],
            "reports": [None, moves_text(moved)],
        },
    )
    email_leads(
        award,
        "award_changed",
        f"award_start_moved:{award.id}:{new_start.isoformat()}",
        change="start_moved",
        starts_on=new_start.isoformat(),
        ends_on=award.end_date.isoformat(),
        reason=reason,
    )
    return award
