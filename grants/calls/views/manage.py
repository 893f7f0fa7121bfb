"""Officers' pages: programmes, funders, and creating or editing a call's details."""

from datetime import timedelta

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.applications.services.listing import call_applications, count_drafts
from grants.calls.deadlines import ZonedTime
from grants.calls.forms import (
    CallForm,
    CallFunderForm,
    CriterionForm,
    FunderForm,
    PriorityAreasForm,
    ProgrammeForm,
)
from grants.calls.services import calls as call_services
from grants.calls.services import programmes
from grants.calls.services.lifecycle import opening_problems
from grants.calls.services.listing import staff_calls
from grants.calls.services.question_sets import current_question_set
from grants.calls.views.blueprint import LOAD_CALL, bp
from grants.choices import options
from grants.errors import DomainError
from grants.security.policy import OFFICER, STAFF, Loads, declare
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, page_number, render_form

LOAD_PROGRAMME = Loads("programme_id", programmes.find_programme, "programme")


@bp.get("/manage/calls")
@declare(STAFF)
def manage_index():
    return render_template(
        "calls/manage/index.html",
        calls=staff_calls(),
        programmes=programmes.list_programmes(),
        funders=programmes.list_funders(),
    )


@bp.route("/manage/programmes/new", methods=["GET", "POST"])
@declare(OFFICER)
def new_programme():
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            programmes.create_programme(
                current_user, name=form.name.data, code=form.code.data, description=form.description.data
            )
        except DomainError as error:
            return render_form("calls/manage/programme_form.html", form, attach_error(form, error))
        flash_success(_("Programme %(name)s created.", name=form.name.data))
        return redirect(url_for(".manage_index"), 303)
    return render_form("calls/manage/programme_form.html", form)


@bp.route("/manage/funders/new", methods=["GET", "POST"])
@declare(OFFICER)
def new_funder():
    form = FunderForm()
    if form.validate_on_submit():
        try:
            programmes.create_funder(
                current_user,
                name=form.name.data,
                short_name=form.short_name.data,
                country=form.country.data,
                currency=form.currency.data,
            )
        except DomainError as error:
            return render_form("calls/manage/funder_form.html", form, attach_error(form, error))
        flash_success(_("Funder %(name)s added.", name=form.name.data))
        return redirect(url_for(".manage_index"), 303)
    return render_form("calls/manage/funder_form.html", form)


@bp.route("/manage/programmes/<int:programme_id>/calls/new", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_PROGRAMME)
def new_call(programme):
    form = CallForm()
    if not form.is_submitted():
        start = utcnow().replace(minute=0, second=0, microsecond=0, tzinfo=None)
        form.opens_local.data, form.closes_local.data = start, start + timedelta(days=60)
        form.reference_prefix.data = f"{programme.code}-{start.year}"
    if form.validate_on_submit():
        try:
            call = call_services.create_call(current_user, programme, _details(form))
        except DomainError as error:
            return render_form(
                "calls/manage/call_form.html", form, attach_error(form, error), programme=programme
            )
        flash_success(_("Call created as a draft. Add its funders, priority areas and rubric, then open it."))
        return redirect(url_for(".manage_call", call_id=call.id), 303)
    return render_form("calls/manage/call_form.html", form, programme=programme)


@bp.route("/manage/calls/<int:call_id>/edit", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_CALL)
def edit_call(call):
    form = CallForm(obj=call_services.details_of(call))
    if form.validate_on_submit():
        try:
            call_services.update_call(current_user, call, _details(form))
        except DomainError as error:
            return render_form(
                "calls/manage/call_form.html",
                form,
                attach_error(form, error),
                programme=call.programme,
                call=call,
            )
        flash_success(_("Call details saved."))
        return redirect(url_for(".manage_call", call_id=call.id), 303)
    return render_form("calls/manage/call_form.html", form, programme=call.programme, call=call)


@bp.get("/manage/calls/<int:call_id>")
@declare(STAFF, load=LOAD_CALL)
def manage_call(call):
    funder_form = CallFunderForm()
    funder_form.funder_id.choices = options(
        [
            (0, _("Choose a funder")),
            *((funder.id, f"{funder.name} ({funder.currency})") for funder in programmes.list_funders()),
        ]
    )
    areas_form = PriorityAreasForm(priority_areas="\n".join(call.area_names))
    return render_template(
        "calls/manage/call.html",
        call=call,
        closes=ZonedTime(call.closes_at, call.time_zone),
        funder_form=funder_form,
        areas_form=areas_form,
        criterion_form=CriterionForm(),
        question_set=current_question_set(call),
        problems=opening_problems(call, utcnow()) if call.state == "draft" else [],
        drafts_in_progress=count_drafts(call),
        applications=call_applications(call, page=page_number()),
    )


def _details(form: CallForm) -> call_services.CallDetails:
    return call_services.CallDetails(
        title=form.title.data,
        reference_prefix=form.reference_prefix.data,
        summary=form.summary.data,
        guidance=form.guidance.data,
        time_zone=form.time_zone.data,
        opens_local=form.opens_local.data,
        closes_local=form.closes_local.data,
        min_duration_months=form.min_duration_months.data,
        max_duration_months=form.max_duration_months.data,
        reviews_required=form.reviews_required.data,
        requires_lead_per_country=form.requires_lead_per_country.data,
        review_due_local=form.review_due_local.data,
        double_blind=form.double_blind.data,
        invites_bids=form.invites_bids.data,
    )
