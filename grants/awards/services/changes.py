"""Changes real programmes make to running awards, each audited: a no-cost extension, a budget
transfer between categories, early termination, and the milestones officers set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask_babel import gettext as _

from grants.accounts.models import User
from grants.applications.models import BudgetCategory
from grants.applications.services.budget import CATEGORY_LABELS
from grants.audit.services import record
from grants.awards.models import Award, AwardBudgetLine, Milestone
from grants.awards.schedule import add_months
from grants.awards.services.mail import email_award_team
from grants.awards.services.offers import require_managing
from grants.awards.services.schedules import moves_text, schedule_reports
from grants.awards.states import AwardState, PaymentState, check_award_transition
from grants.database import lock_and_reload
from grants.errors import Conflict, ValidationError
from grants.i18n import reader_day
from grants.money import format_money, parse_amount, reader_money
from grants.security.predicates import team_membership

REASON_LIMIT = 2000
# An extension adds months, not decades: each project year owes a report, and an end date near the
# calendar's last year (9999) cannot even be scheduled.
MAX_EXTENSION_YEARS = 5


def _reason(text: str | None, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message, field="reason")
    if len(text) > REASON_LIMIT:
        raise ValidationError(
            _("Keep the reason under %(limit)s characters.", limit=REASON_LIMIT), field="reason"
        )
    return text


def _require_running(award: Award, refusal: Callable[[str], str]) -> None:
    """``refusal(state)`` says what an award in that state can no longer have."""
    if award.state not in (AwardState.OFFERED, AwardState.ACTIVE):
        raise Conflict(refusal(award.state_label.lower()))


def extend_award(actor: User, award: Award, new_end: date | None, reason: str) -> Award:
    """A no-cost extension: a later end date, the same money. Reports still owed move with it."""
    require_managing(actor, award)
    lock_and_reload(award)
    _require_running(
        award, lambda state: _("This award is %(state)s; an extension is no longer possible.", state=state)
    )
    reason = _reason(reason, _("Give the reason for the extension."))
    if new_end is None:
        raise ValidationError(_("Enter the new end date."), field="end_date")
    if new_end <= award.end_date:
        raise ValidationError(
            _("The new end date must be after the current one, %(end)s.", end=reader_day(award.end_date)),
            field="end_date",
        )
    if new_end > add_months(award.end_date, 12 * MAX_EXTENSION_YEARS):
        raise ValidationError(
            _(
                "The new end date must be within %(years)d years of the current one.",
                years=MAX_EXTENSION_YEARS,
            ),
            field="end_date",
        )
    before = award.end_date
    award.end_date = new_end
    moved = schedule_reports(award)
    record(
        actor,
        "award.extended",
        award,
        {
            "end_date": [before.isoformat(), new_end.isoformat()],
            "reason": [None, reason],
            "reports": [None, moves_text(moved)],
        },
    )
    email_award_team(
        award,
        "award_changed",
        f"award_extended:{award.id}:{new_end.isoformat()}",
        change="extended",
        ends_on=new_end.isoformat(),
        reason=reason,
    )
    return award


def transfer_budget(
    actor: User,
    award: Award,
    *,
    call_funder_id: int,
    from_category: str,
    to_category: str,
    amount: str,
    reason: str,
) -> Award:
    """Move money between two cost categories of one funder's budget; the total stays the same."""
    require_managing(actor, award)
    lock_and_reload(award)
    _require_running(
        award,
        lambda state: _("This award is %(state)s; a budget transfer is no longer possible.", state=state),
    )
    reason = _reason(reason, _("Give the reason for the transfer."))
    funding = next((f for f in award.fundings if f.call_funder_id == call_funder_id), None)
    if funding is None:
        raise ValidationError(_("Choose one of the award's funders."), field="call_funder_id")
    categories = {c.value for c in BudgetCategory}
    if from_category not in categories or to_category not in categories:
        raise ValidationError(_("Choose the categories to move money between."), field="from_category")
    if from_category == to_category:
        raise ValidationError(_("Choose two different categories."), field="to_category")
    minor = parse_amount(amount, funding.currency, field="amount")
    if minor <= 0:
        raise ValidationError(_("Enter an amount above zero."), field="amount")
    source = _line(award, funding, from_category, create=False)
    if source is None or source.amount_minor < minor:
        raise ValidationError(
            _(
                "%(category)s has %(amount)s to move.",
                category=CATEGORY_LABELS.get(from_category, from_category.capitalize()),
                amount=reader_money(source.amount_minor if source else 0, funding.currency),
            ),
            field="amount",
        )
    target = _line(award, funding, to_category)
    source.amount_minor -= minor
    target.amount_minor += minor
    record(
        actor,
        "award.budget_transferred",
        award,
        {
            "funder": [None, funding.call_funder.funder.short_name],
            from_category: [source.amount_minor + minor, source.amount_minor],
            to_category: [target.amount_minor - minor, target.amount_minor],
            "reason": [None, reason],
        },
    )
    return award


def _line(award: Award, funding, category: str, *, create: bool = True) -> AwardBudgetLine | None:
    """The award's budget line for ``funding``'s funder and ``category``; a new, empty one when it
    has none and ``create`` is set."""
    for line in award.budget:
        if line.call_funder_id == funding.call_funder_id and line.category == category:
            return line
    if not create:
        return None
    line = AwardBudgetLine(
        call_funder_id=funding.call_funder_id, category=category, currency=funding.currency, amount_minor=0
    )
    award.budget.append(line)
    return line


def terminate_award(actor: User, award: Award, effective: date | None, reason: str, now: datetime) -> Award:
    """End an active award early: payments due after the end are cancelled (their money returns to
    the envelope), progress reports after it are no longer needed, and the final report is due
    from the new end."""
    require_managing(actor, award)
    lock_and_reload(award)
    reason = _reason(reason, _("Give the reason for ending the award early."))
    check_award_transition(award.state, AwardState.TERMINATED)
    if effective is None:
        raise ValidationError(_("Enter the date the award ends."), field="end_date")
    if not award.start_date <= effective <= award.end_date:
        raise ValidationError(
            _(
                "The end must fall within the award, %(start)s to %(end)s.",
                start=reader_day(award.start_date),
                end=reader_day(award.end_date),
            ),
            field="end_date",
        )
    before = award.end_date
    award.end_date = effective
    award.state = AwardState.TERMINATED
    award.closed_at = now
    award.closing_reason = reason
    cancelled = []
    for payment in award.payments:
        if payment.state == PaymentState.SCHEDULED and payment.due_on > effective:
            payment.state = PaymentState.CANCELLED
            cancelled.append(
                f"{payment.call_funder.funder.short_name} "
                f"{format_money(payment.amount_minor, payment.currency)}"
            )
    moved = schedule_reports(award)
    record(
        actor,
        "award.terminated",
        award,
        {
            "state": ["active", "terminated"],
            "end_date": [before.isoformat(), effective.isoformat()],
            "reason": [None, reason],
            "payments_cancelled": [None, ", ".join(cancelled) or None],
            "reports": [None, moves_text(moved)],
        },
    )
    email_award_team(
        award,
        "award_changed",
        f"award_terminated:{award.id}",
        change="terminated",
        ends_on=effective.isoformat(),
        reason=reason,
    )
    return award


def add_milestone(actor: User, award: Award, title: str, due_date: date | None) -> Milestone:
    require_managing(actor, award)
    lock_and_reload(award)
    _require_running(
        award,
        lambda state: _("This award is %(state)s; adding a milestone is no longer possible.", state=state),
    )
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Name the milestone."), field="title")
    if len(title) > 200:
        raise ValidationError(_("Keep the milestone under 200 characters."), field="title")
    if due_date is None:
        raise ValidationError(_("Enter the date it is due."), field="due_date")
    if not award.start_date <= due_date <= award.end_date:
        raise ValidationError(_("The milestone must fall within the award's dates."), field="due_date")
    milestone = Milestone(title=title, due_date=due_date)
    award.milestones.append(milestone)
    record(actor, "award.milestone_added", award, {"milestone": [None, f"{title} by {due_date.isoformat()}"]})
    return milestone


def mark_milestone_achieved(
    actor: User, milestone: Milestone, achieved_on: date | None, note: str
) -> Milestone:
    """The team (or an officer) records that a milestone was reached, and how."""
    award = milestone.award
    if team_membership(actor, award.application) is None:
        require_managing(actor, award)
    if award.state not in (AwardState.ACTIVE, AwardState.TERMINATED):
        raise Conflict(_("Milestones are recorded once the award is active."))
    if milestone.achieved_on is not None:
        raise Conflict(_("This milestone is already recorded as achieved."))
    if achieved_on is None:
        raise ValidationError(_("Enter the date it was achieved."), field="achieved_on")
    note = (note or "").strip()[:REASON_LIMIT]
    milestone.achieved_on = achieved_on
    milestone.achievement_note = note
    record(
        actor,
        "award.milestone_achieved",
        award,
        {"milestone": [None, milestone.title], "on": [None, achieved_on.isoformat()]},
    )
    return milestone
