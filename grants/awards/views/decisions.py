"""Officers decide a call: the decision list with the envelopes, one decision page per
application, the release, the reserve list afterwards, and the programme's IP terms."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.applications.services.budget import funder_totals
from grants.awards.forms import DecisionForm, ReleaseForm, ReserveForm, TermsForm
from grants.awards.services.decisions import (
    call_awards,
    call_decisions,
    clear_decision,
    decide_reserve,
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
    board = ranking(call, current_user)
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


def _amounts_from_request(application) -> dict[int, str]:
    return {entry.id: request.form.get(f"amount_{entry.id}", "") for entry in application.call.funders}


def _amount_values(application, decision=None) -> dict[int, str]:
    """What the amount fields show: what was typed, else the drafted award, else the request."""
    if request.method == "POST":
        return _amounts_from_request(application)
    drafted = {a.call_funder_id: a.amount_minor for a in decision.amounts} if decision else {}
    return {
        total.call_funder.id: amount_input(
            drafted.get(total.call_funder.id, total.total_minor), total.call_funder.currency
        )
        for total in funder_totals(application)
    }


def _decision_page(application, form, action, **context):
    call = application.call
    decision = application.decision
    drafted_award = decision is not None and decision.outcome == "award" and not decision.is_released
    return form_page(
        form,
        action,
        back=url_for(".decisions", call_id=call.id) + f"#row-{application.id}",
        template="awards/decide.html",
        application=application,
        call=call,
        row=call_scores(call).get(application.id),
        requests=funder_totals(application),
        amount_values=_amount_values(application, decision if drafted_award else None),
        positions=envelope_positions(call),
        # The envelope preview leaves out this application's own drafted award, then adds what is typed.
        own_amounts={a.call_funder_id: a.amount_minor for a in decision.amounts} if drafted_award else {},
        **context,
    )


@bp.route("/manage/applications/<int:application_id>/decision", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_APPLICATION, check=can_decide)
def decide(application):
    form = DecisionForm(obj=application.decision) if request.method == "GET" else DecisionForm()
    return _decision_page(
        application,
        form,
        lambda: draft_decision(
            current_user,
            application,
            outcome=form.outcome.data,
            rationale=form.rationale.data or "",
            amounts=_amounts_from_request(application),
            now=utcnow(),
        ),
        heading=f"Decide {application.display_reference}",
        success=f"Decision on {application.display_reference} saved as a draft. "
        "Nothing is sent until you release.",
        submit="Save draft decision",
    )


@bp.post("/manage/applications/<int:application_id>/decision/clear")
@declare(OFFICER, load=LOAD_APPLICATION, check=can_decide)
def clear(application):
    return perform(
        lambda: clear_decision(current_user, application),
        back=url_for(".decisions", call_id=application.call_id),
        success=f"The draft decision on {application.display_reference} was removed.",
    )


@bp.post("/manage/calls/<int:call_id>/decisions/release")
@declare(OFFICER, load=LOAD_CALL)
def release(call):
    form = ReleaseForm()
    back = url_for(".decisions", call_id=call.id)
    if not form.validate_on_submit():
        flash("Tick the box to confirm the release.", "error")
        return redirect(back, 303)
    return perform(
        lambda: release_decisions(current_user, call, utcnow()),
        back=back,
        success="Decisions released. Every team has been told; awards are offered to the lead investigators.",
    )


@bp.route("/manage/applications/<int:application_id>/reserve", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_APPLICATION, check=can_decide)
def reserve(application):
    form = ReserveForm()
    return _decision_page(
        application,
        form,
        lambda: decide_reserve(
            current_user,
            application,
            outcome=form.outcome.data,
            rationale=form.rationale.data or "",
            amounts=_amounts_from_request(application),
            now=utcnow(),
        ),
        heading=f"Decide {application.display_reference} from the reserve list",
        intro="This decision is released at once: the team is told straight away.",
        success=f"Decision on {application.display_reference} released.",
        submit="Release this decision",
        reserve=True,
    )


@bp.route("/manage/programmes/<int:programme_id>/terms", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_PROGRAMME)
def programme_terms(programme):
    form = TermsForm(obj=programme) if request.method == "GET" else TermsForm()
    return form_page(
        form,
        lambda: set_programme_terms(current_user, programme, form.ip_terms.data or ""),
        heading=f"Intellectual-property terms: {programme.name}",
        intro="Award letters and agreements of this programme name these terms, "
        "and lead investigators accept them.",
        back=url_for("calls.manage_index"),
        success="Terms saved.",
        submit="Save terms",
    )
