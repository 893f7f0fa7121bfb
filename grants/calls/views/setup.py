"""Officers' one-form actions on a call: funders, priority areas, rubric, questions, lifecycle."""

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from grants.calls.forms import CallFunderForm, CriterionForm, PriorityAreasForm, QuestionForm
from grants.calls.services import lifecycle, setup
from grants.calls.services.question_sets import (
    QuestionSpec,
    add_question,
    current_questions,
    move_question,
    remove_question,
    update_question,
)
from grants.calls.views.blueprint import LOAD_CALL, bp
from grants.errors import DomainError
from grants.security.policy import OFFICER, declare
from grants.timeutil import utcnow
from grants.web import attach_error, perform, render_form


def _back(call, anchor: str = "") -> str:
    return url_for(".manage_call", call_id=call.id) + (f"#{anchor}" if anchor else "")


@bp.post("/manage/calls/<int:call_id>/funders")
@declare(OFFICER, load=LOAD_CALL)
def add_funder(call):
    form = CallFunderForm()
    return perform(
        lambda: setup.add_call_funder(
            current_user,
            call,
            funder_id=form.funder_id.data or 0,
            envelope=form.envelope.data,
            max_request=form.max_request.data,
        ),
        back=_back(call, "funders"),
        success=_("Funder added."),
    )


@bp.post("/manage/calls/<int:call_id>/funders/<int:call_funder_id>/remove")
@declare(OFFICER, load=LOAD_CALL)
def remove_funder(call, call_funder_id: int):
    return perform(
        lambda: setup.remove_call_funder(current_user, call, call_funder_id),
        back=_back(call, "funders"),
        success=_("Funder removed."),
    )


@bp.post("/manage/calls/<int:call_id>/priority-areas")
@declare(OFFICER, load=LOAD_CALL)
def save_priority_areas(call):
    form = PriorityAreasForm()
    return perform(
        lambda: setup.set_priority_areas(current_user, call, (form.priority_areas.data or "").splitlines()),
        back=_back(call, "areas"),
        success=_("Priority areas saved."),
    )


@bp.route(
    "/manage/calls/<int:call_id>/criteria/new",
    methods=["GET", "POST"],
    defaults={"criterion_id": None},
    endpoint="new_criterion",
)
@bp.route("/manage/calls/<int:call_id>/criteria/<int:criterion_id>", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_CALL)
def edit_criterion(call, criterion_id: int | None):
    existing = next((item for item in call.criteria if item.id == criterion_id), None)
    if criterion_id is not None and existing is None:
        return redirect(_back(call, "rubric"), 303)
    form = CriterionForm(obj=existing)
    if form.validate_on_submit():
        try:
            setup.save_criterion(
                current_user,
                call,
                criterion_id=criterion_id,
                name=form.name.data,
                guidance=form.guidance.data,
                weight=form.weight.data,
                scale_min=form.scale_min.data,
                scale_max=form.scale_max.data,
            )
        except DomainError as error:
            return render_form("calls/manage/criterion_form.html", form, attach_error(form, error), call=call)
        return redirect(_back(call, "rubric"), 303)
    return render_form("calls/manage/criterion_form.html", form, call=call, criterion=existing)


@bp.post("/manage/calls/<int:call_id>/criteria/<int:criterion_id>/remove")
@declare(OFFICER, load=LOAD_CALL)
def remove_criterion(call, criterion_id: int):
    return perform(
        lambda: setup.remove_criterion(current_user, call, criterion_id),
        back=_back(call, "rubric"),
        success=_("Criterion removed."),
    )


@bp.route(
    "/manage/calls/<int:call_id>/questions/new",
    methods=["GET", "POST"],
    defaults={"key": None},
    endpoint="new_question",
)
@bp.route("/manage/calls/<int:call_id>/questions/<key>", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_CALL)
def edit_question(call, key: str | None):
    existing = next((item for item in current_questions(call) if item.key == key), None)
    if key is not None and existing is None:
        return redirect(_back(call, "questions"), 303)
    form = QuestionForm(obj=existing)
    if existing is not None and not form.is_submitted():
        form.options.data = "\n".join(existing.options or [])
    if form.validate_on_submit():
        spec = QuestionSpec(
            kind=form.kind.data,
            label=form.label.data,
            help_text=form.help_text.data,
            required=form.required.data,
            word_limit=form.word_limit.data,
            max_length=form.max_length.data,
            min_value=form.min_value.data,
            max_value=form.max_value.data,
            options=(form.options.data or "").splitlines(),
        )
        try:
            if existing is None:
                add_question(current_user, call, spec)
            else:
                update_question(current_user, call, key, spec)
        except DomainError as error:
            return render_form(
                "calls/manage/question_form.html",
                form,
                attach_error(form, error),
                call=call,
                question=existing,
            )
        return redirect(_back(call, "questions"), 303)
    return render_form("calls/manage/question_form.html", form, call=call, question=existing)


@bp.post("/manage/calls/<int:call_id>/questions/<key>/remove")
@declare(OFFICER, load=LOAD_CALL)
def delete_question(call, key: str):
    return perform(
        lambda: remove_question(current_user, call, key),
        back=_back(call, "questions"),
        success=_("Question removed."),
    )


@bp.post("/manage/calls/<int:call_id>/questions/<key>/move")
@declare(OFFICER, load=LOAD_CALL)
def reorder_question(call, key: str):
    offset = -1 if request.form.get("direction") == "up" else 1
    return perform(lambda: move_question(current_user, call, key, offset), back=_back(call, "questions"))


LIFECYCLE = {
    "open": (lambda actor, call: lifecycle.open_call(actor, call, utcnow()), _l("The call is open.")),
    "close": (lambda actor, call: lifecycle.close_call(actor, call, utcnow()), _l("The call is closed.")),
    "start-review": (lifecycle.start_reviewing, _l("Reviewing has started.")),
}


@bp.post("/manage/calls/<int:call_id>/<any(open, close, 'start-review'):action>")
@declare(OFFICER, load=LOAD_CALL)
def move_call(call, action: str):
    transition, message = LIFECYCLE[action]
    return perform(lambda: transition(current_user, call), back=_back(call), success=str(message))
