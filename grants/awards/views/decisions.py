"""Officers decide a call: the decision list with the envelopes, one decision page per
application, the release, the reserve list afterwards, and the programme's IP terms."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.applications.services.budget import funder_totals
from grants.awards.forms import DecisionForm, ReleaseForm, ReserveForm, TermsForm, with_amount_fields
from grants.awards.services.decisions import (
    call_awards,
    call_decisions,
    clear_decision,
    decide_reserve,
    decided_applications,
    draft_decision,
    release_decisions,
    release_problems,
)
from grants.awards.services.envelopes import envelope_positions
from grants.awards.views.blueprint import LOAD_APPLICATION, LOAD_CALL, LOAD_PROGRAMME, bp, form_page
from grants.calls.services.programmes import set_programme_terms
from grants.money import amount_input
from grants.reviews.services.scoring import call_scores, ranking
from grants.security.policy import OFFICER, declare
from grants.security.predicates import can_decide
from grants.timeutil import utcnow
from grants.web import perform


@bp.get("/manage/calls/<int:call_id>/decisions")
@declare(OFFICER, load=LOAD_CALL)
def decisions(call):
    released = call.state == "decided"
    board = ranking(call, current_user, applications=decided_applications(call) if released else None)
    drafted = call_decisions(call)
    return render_template(
        "awards/decisions.html",
        call=call,
        ranking=board,
        decisions=drafted,
        awards=call_awards(call),
        positions=envelope_positions(call),
        problems=release_problems(call) if call.state == "reviewing" else [],
        decided_count=sum(row.application.id in drafted for row in board.rows),
        short_of_reviews=[r for r in board.rows if r.count < r.required],
        release_form=ReleaseForm(formdata=None),
    )


def _decision_form(application, form_class, totals, drafted: dict[int, int]):
    """``form_class`` with an amount field per funder: on a POST what was typed; otherwise the
    drafted award's amounts, else the request."""
    form_class = with_amount_fields(form_class, totals)
    if request.method == "POST":
        return form_class()
    decision = application.decision
    data = {}
    if decision is not None and not decision.is_released:
        data = {"outcome": decision.outcome, "rationale": decision.rationale}
    for total in totals:
        entry = total.call_funder
        data[f"amount_{entry.id}"] = amount_input(drafted.get(entry.id, total.total_minor), entry.currency)
    return form_class(formdata=None, data=data)


def _amounts(form, totals) -> dict[int, str]:
    return {t.call_funder.id: form[f"amount_{t.call_funder.id}"].data or "" for t in totals}


def _through(service, application):
    """Run ``service`` (drafting, or deciding from the reserve list) with the form's values."""
    return lambda form, amounts: service(
        current_user,
        application,
        outcome=form.outcome.data,
        rationale=form.rationale.data or "",
        amounts=amounts,
        now=utcnow(),
    )


def _decision_page(application, form_class, decide_with, **context):
    """The page for one decision: the scores, the envelopes and the form. ``decide_with(form,
    amounts)`` runs the service."""
    call = application.call
    decision = application.decision
    drafted_award = decision is not None and decision.outcome == "award" and not decision.is_released
    own_amounts = {a.call_funder_id: a.amount_minor for a in decision.amounts} if drafted_award else {}
    totals = funder_totals(application)
    form = _decision_form(application, form_class, totals, own_amounts)
    applications = decided_applications(call) if call.state == "decided" else None
    return form_page(
        form,
        lambda: decide_with(form, _amounts(form, totals)),
        back=url_for(".decisions", call_id=call.id) + f"#row-{application.id}",
        template="awards/decide.html",
        application=application,
        call=call,
        row=call_scores(call, applications).get(application.id),
        requests=totals,
        positions=envelope_positions(call),
        # The envelope preview leaves out this application's own drafted award, then adds what is typed.
        own_amounts=own_amounts,
        **context,
    )


@bp.route("/manage/applications/<int:application_id>/decision", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_APPLICATION, check=can_decide)
def decide(application):
    return _decision_page(
        application,
        DecisionForm,
        _through(draft_decision, application),
        heading=_("Decide %(reference)s", reference=application.display_reference),
        success=_(
            "Decision on %(reference)s saved as a draft. Nothing is sent until you release.",
            reference=application.display_reference,
        ),
        submit=_("Save draft decision"),
    )


@bp.post("/manage/applications/<int:application_id>/decision/clear")
@declare(OFFICER, load=LOAD_APPLICATION, check=can_decide)
def clear(application):
    return perform(
        lambda: clear_decision(current_user, application),
        back=url_for(".decisions", call_id=application.call_id),
        success=_(
            "The draft decision on %(reference)s was removed.", reference=application.display_reference
        ),
    )


@bp.post("/manage/calls/<int:call_id>/decisions/release")
@declare(OFFICER, load=LOAD_CALL)
def release(call):
    form = ReleaseForm()
    back = url_for(".decisions", call_id=call.id)
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm the release."), "error")
        return redirect(back, 303)
    return perform(
        lambda: release_decisions(current_user, call, utcnow()),
        back=back,
        success=_(
            "Decisions released. Every team has been told; awards are offered to the lead investigators."
        ),
    )


@bp.route("/manage/applications/<int:application_id>/reserve", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_APPLICATION, check=can_decide)
def reserve(application):
    return _decision_page(
        application,
        ReserveForm,
        _through(decide_reserve, application),
        heading=_("Decide %(reference)s from the reserve list", reference=application.display_reference),
        intro=_("This decision is released at once: the team is told straight away."),
        success=_("Decision on %(reference)s released.", reference=application.display_reference),
        submit=_("Release this decision"),
        reserve=True,
    )


@bp.route("/manage/programmes/<int:programme_id>/terms", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_PROGRAMME)
def programme_terms(programme):
    form = TermsForm(obj=programme) if request.method == "GET" else TermsForm()
    return form_page(
        form,
        lambda: set_programme_terms(current_user, programme, form.ip_terms.data or ""),
        heading=_("Intellectual-property terms: %(programme)s", programme=programme.name),
        intro=_(
            "Award letters and agreements of this programme name these terms, "
            "and lead investigators accept them."
        ),
        back=url_for("calls.manage_index"),
        success=_("Terms saved."),
        submit=_("Save terms"),
    )
