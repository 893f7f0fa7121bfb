"""Officers' side of awards: the portfolio, and one page per change to an award."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.awards.forms import (
    DeadlineForm,
    MilestoneForm,
    NewEndForm,
    NewStartForm,
    PaymentForm,
    ReasonForm,
    TransferForm,
)
from grants.awards.services import changes
from grants.awards.services.offers import extend_offer, move_start, withdraw_offer
from grants.awards.services.payments import award_today, payment_blockers, release_payment
from grants.awards.services.portfolio import PortfolioFilters, portfolio_page, portfolio_totals
from grants.awards.states import AwardState
from grants.awards.views.blueprint import LOAD_AWARD, LOAD_PAYMENT, bp, form_page
from grants.calls.services.listing import staff_calls
from grants.calls.services.programmes import list_funders
from grants.choices import options
from grants.i18n import reader_day
from grants.money import reader_money
from grants.numbers import whole_number
from grants.security.policy import OFFICER, declare
from grants.security.predicates import can_manage_award, can_release_payment
from grants.timeutil import utcnow
from grants.web import page_number


def _int_arg(name: str) -> int | None:
    return whole_number(request.args.get(name))


@bp.get("/manage/awards")
@declare(OFFICER)
def portfolio():
    now = utcnow()
    filters = PortfolioFilters(
        call_id=_int_arg("call"),
        funder_id=_int_arg("funder"),
        state=request.args.get("state") or None,
        overdue=request.args.get("overdue") == "1",
    )
    return render_template(
        "awards/portfolio.html",
        filters=filters,
        page=portfolio_page(filters, now, page=page_number()),
        totals=portfolio_totals(filters, now),
        calls=staff_calls(),
        funders=list_funders(),
        states=list(AwardState),
        now=now,
        managing=lambda award: can_manage_award(current_user, award),
        award_today=award_today,
    )


def award_form(award, form, action, **page):
    """An officer's form about one award: it returns to the award's page."""
    return form_page(
        form, action, back=url_for(".show", award_id=award.id), back_label=award.reference, **page
    )


@bp.route("/manage/awards/<int:award_id>/extend", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_AWARD, check=can_manage_award)
def extend(award):
    form = NewEndForm()
    return award_form(
        award,
        form,
        lambda: changes.extend_award(current_user, award, form.end_date.data, form.reason.data),
        heading=_("No-cost extension: %(reference)s", reference=award.reference),
        intro=_(
            "The award ends on %(end)s. An extension keeps the money as it is; "
            "reports not yet submitted move with the new end date.",
            end=reader_day(award.end_date),
        ),
        success=_("Extended. Reports still owed have moved with the new end date."),
        submit=_("Extend the award"),
    )


@bp.route("/manage/awards/<int:award_id>/terminate", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_AWARD, check=can_manage_award)
def terminate(award):
    form = NewEndForm()
    form.end_date.label.text = _("Ends on")
    return award_form(
        award,
        form,
        lambda: changes.terminate_award(current_user, award, form.end_date.data, form.reason.data, utcnow()),
        heading=_("End %(reference)s early", reference=award.reference),
        intro=_(
            "Payments due after the end are cancelled and their money returns to the funders' envelopes. "
            "The final report becomes due 90 days after the new end."
        ),
        success=_("The award has been terminated."),
        submit=_("Terminate the award"),
    )


@bp.route("/manage/awards/<int:award_id>/transfer", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_AWARD, check=can_manage_award)
def transfer(award):
    form = TransferForm()
    form.call_funder_id.choices = options(
        (f.call_funder_id, f"{f.call_funder.funder.short_name} ({f.currency})") for f in award.fundings
    )
    return award_form(
        award,
        form,
        lambda: changes.transfer_budget(
            current_user,
            award,
            call_funder_id=form.call_funder_id.data,
            from_category=form.from_category.data,
            to_category=form.to_category.data,
            amount=form.amount.data or "",
            reason=form.reason.data or "",
        ),
        heading=_("Budget transfer: %(reference)s", reference=award.reference),
        intro=_("Move money between cost categories of one funder's budget. The total stays the same."),
        success=_("Budget transferred."),
        submit=_("Transfer"),
        budget=award.budget,
    )


@bp.route("/manage/awards/<int:award_id>/milestones", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_AWARD, check=can_manage_award)
def add_milestone(award):
    form = MilestoneForm()
    return award_form(
        award,
        form,
        lambda: changes.add_milestone(current_user, award, form.title.data, form.due_date.data),
        heading=_("Add a milestone: %(reference)s", reference=award.reference),
        intro=_(
            "Milestones fall within the award, %(start)s to %(end)s.",
            start=reader_day(award.start_date),
            end=reader_day(award.end_date),
        ),
        success=_("Milestone added."),
        submit=_("Add the milestone"),
    )


@bp.route("/manage/awards/<int:award_id>/offer/extend", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_AWARD, check=can_manage_award)
def extend_offer_deadline(award):
    form = DeadlineForm()
    return award_form(
        award,
        form,
        lambda: extend_offer(current_user, award, form.deadline.data, utcnow()),
        heading=_("Give more time to accept %(reference)s", reference=award.reference),
        success=_("The offer deadline has moved and the lead investigators have been told."),
        submit=_("Extend the offer"),
    )


@bp.route("/manage/awards/<int:award_id>/offer/start", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_AWARD, check=can_manage_award)
def move_start_date(award):
    form = NewStartForm()
    return award_form(
        award,
        form,
        lambda: move_start(current_user, award, form.start_date.data, form.reason.data or "", utcnow()),
        heading=_("Change the start date of %(reference)s", reference=award.reference),
        intro=_(
            "The offer runs from %(start)s to %(end)s. The project keeps its length; payments and reports "
            "are scheduled again, and the lead investigators are told.",
            start=reader_day(award.start_date),
            end=reader_day(award.end_date),
        ),
        success=_("The start date has moved; payments and reports follow it."),
        submit=_("Change the start date"),
    )


@bp.route("/manage/awards/<int:award_id>/offer/withdraw", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_AWARD, check=can_manage_award)
def withdraw(award):
    form = ReasonForm()
    return award_form(
        award,
        form,
        lambda: withdraw_offer(current_user, award, form.reason.data, utcnow()),
        heading=_("Withdraw the offer of %(reference)s", reference=award.reference),
        intro=_(
            "The team is told, the payments are cancelled and the money returns to the funders' envelopes."
        ),
        success=_("The offer has been withdrawn."),
        submit=_("Withdraw the offer"),
    )


@bp.route("/manage/payments/<int:payment_id>/release", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_PAYMENT, check=can_release_payment)
def release_payment_page(payment):
    award = payment.award
    today = award_today(award, utcnow())
    form = PaymentForm()
    if request.method == "GET":
        form.paid_on.data = today
    amount = reader_money(payment.amount_minor, payment.currency)
    return award_form(
        award,
        form,
        lambda: release_payment(
            current_user,
            payment,
            paid_on=form.paid_on.data,
            reference=form.reference.data or "",
            now=utcnow(),
        ),
        heading=_(
            "Release payment %(number)s from %(funder)s: %(amount)s",
            number=payment.sequence,
            funder=payment.call_funder.funder.short_name,
            amount=amount,
        ),
        intro=_(
            "Scheduled for %(due)s on %(reference)s. Record it once the money has been sent.",
            due=reader_day(payment.due_on),
            reference=award.reference,
        ),
        success=_("Payment of %(amount)s recorded. The team has been told.", amount=amount),
        submit=_("Record the payment"),
        blockers=payment_blockers(payment, today),
        early=payment.due_on > today,
    )
