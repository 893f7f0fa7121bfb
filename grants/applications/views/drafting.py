"""Starting a draft, the overview with its task list, and the written sections (saved by hand or
automatically while typing)."""

from flask import jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.accounts.reference import country_name
from grants.accounts.services.institutions import list_institutions
from grants.applications.forms import DetailsForm, StartApplicationForm
from grants.applications.services import answers as answer_services
from grants.applications.services import drafts
from grants.applications.services.listing import my_applications
from grants.applications.services.team import ROLE_LABELS, pending_invitations
from grants.applications.views.blueprint import LOAD_APPLICATION, bp, section_page
from grants.awards.services.feedback import released_decision
from grants.calls.models import Call
from grants.calls.questions import QuestionKind
from grants.calls.services.listing import find_call
from grants.choices import options
from grants.errors import DomainError
from grants.numbers import whole_number
from grants.security.policy import SIGNED_IN, Loads, declare
from grants.security.predicates import can_see_call, can_view_application
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success

LOAD_OPEN_CALL = Loads("call_id", find_call, "call")


@bp.get("/applications")
@declare(SIGNED_IN)
def mine():
    return render_template(
        "applications/mine.html",
        applications=my_applications(current_user),
        invitations=pending_invitations(current_user),
        role_labels=ROLE_LABELS,
    )


@bp.route("/calls/<int:call_id>/apply", methods=["GET", "POST"])
@declare(SIGNED_IN, load=LOAD_OPEN_CALL, check=can_see_call)
def start(call: Call):
    form = StartApplicationForm()
    form.country.choices = options(
        [("", _("Choose your side")), *((c, country_name(c)) for c in call.countries)]
    )
    form.institution_id.choices = options(
        [(0, _("Choose your institution")), *((i.id, i.name) for i in list_institutions())]
    )
    if not form.is_submitted():
        form.institution_id.data = current_user.institution_id or 0
        if current_user.country in call.countries:
            form.country.data = current_user.country
    status = 200
    if form.validate_on_submit():
        try:
            application = drafts.start_application(
                current_user,
                call,
                title=form.title.data,
                country=form.country.data,
                institution_id=form.institution_id.data or None,
                now=utcnow(),
            )
        except DomainError as error:
            status = attach_error(form, error)
        else:
            flash_success(_("Your draft is saved. Work through the sections in any order."))
            return redirect(url_for(".overview", application_id=application.id), 303)
    elif form.errors:
        status = 422
    return render_template("applications/start.html", form=form, call=call), status


@bp.get("/applications/<int:application_id>")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def overview(application):
    return section_page(
        "applications/overview.html",
        application,
        questions=answer_services.questions_for(application),
        answers=answer_services.answers_by_key(application),
        decision=released_decision(application),
    )


def _details_form(application, formdata=None) -> DetailsForm:
    form = DetailsForm(formdata=formdata, obj=None if formdata else application)
    if formdata is None:
        form.version.data = application.details_version
    form.priority_area.choices = options(
        [("", _("Choose a priority area")), *((a, a) for a in application.call.area_names)]
    )
    return form


@bp.route("/applications/<int:application_id>/details", methods=["GET", "POST"])
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def details(application):
    if request.method == "GET":
        return section_page("applications/details.html", application, form=_details_form(application))
    form = _details_form(application, request.form)
    error_status = _save_details(application, form)
    if error_status:
        return section_page("applications/details.html", application, error_status, form=form)
    flash_success(_("Project details saved."))
    return redirect(url_for(".overview", application_id=application.id), 303)


def _save_details(application, form: DetailsForm) -> int | None:
    """Save the form; the HTTP status of the refusal, or None when saved."""
    if not form.validate():
        return 422
    try:
        drafts.save_details(
            current_user,
            application,
            drafts.DetailsInput(
                form.title.data,
                form.abstract.data,
                form.priority_area.data,
                form.keywords.data,
                form.start_date.data,
                form.duration_months.data,
            ),
            expected_version=_version(form.version.data),
            now=utcnow(),
        )
    except DomainError as error:
        return attach_error(form, error)
    return None


@bp.route("/applications/<int:application_id>/questions", methods=["GET", "POST"])
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def questions(application):
    if request.method == "GET":
        return _questions_page(application, answer_services.answers_by_key(application), {}, [])
    raw = _raw_answers(application)
    try:
        answer_services.save_answers(
            current_user,
            application,
            raw,
            expected_version=_version(request.form.get("version")),
            now=utcnow(),
        )
    except DomainError as error:
        on_question = bool(error.field and error.field.startswith("q_"))
        errors = {error.field: error.message} if on_question else {}
        return _questions_page(application, raw, errors, [] if on_question else [error.message], error.status)
    flash_success(_("Answers saved."))
    return redirect(url_for(".overview", application_id=application.id), 303)


def _questions_page(application, values, errors, form_errors, status=200):
    return section_page(
        "applications/questions.html",
        application,
        status,
        questions=answer_services.questions_for(application),
        values=values,
        errors=errors,
        form_errors=form_errors,
        version=application.answers_version,
    )


def _raw_answers(application) -> dict:
    raw = {}
    for question in answer_services.questions_for(application):
        name = f"q_{question.key}"
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            raw[question.key] = request.form.getlist(name)
        elif name in request.form:
            raw[question.key] = request.form[name]
    return raw


@bp.post("/applications/<int:application_id>/autosave")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def autosave(application):
    """Save what the browser sends while someone types; answers JSON for the script."""
    section = request.form.get("section")
    if section == "details":
        form = _details_form(application, request.form)
        status = _save_details(application, form)
        if status:
            messages = {name: errors for name, errors in form.errors.items()}
            if form.form_errors:
                messages["form"] = form.form_errors
            return jsonify(saved=False, errors=messages), status
    elif section == "questions":
        try:
            answer_services.save_answers(
                current_user,
                application,
                _raw_answers(application),
                expected_version=_version(request.form.get("version")),
                now=utcnow(),
            )
        except DomainError as error:
            return jsonify(saved=False, errors={error.field or "form": [error.message]}), error.status
    else:
        return jsonify(saved=False, errors={"form": [_("Unknown section.")]}), 400
    version = application.details_version if section == "details" else application.answers_version
    return jsonify(saved=True, version=version, saved_at=application.content_updated_at.isoformat())


def _version(value: str | None) -> int | None:
    return whole_number(value)
