"""Check and submit, withdraw, and (for officers) reopen."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.applications.forms import ReasonForm
from grants.applications.services.answers import answers_by_key, questions_for
from grants.applications.services.checklist import gaps
from grants.applications.services.submission import (
    reopen_application,
    submit_application,
    withdraw_application,
)
from grants.applications.views.blueprint import LOAD_APPLICATION, bp, section_page
from grants.errors import DomainError, PermissionDenied
from grants.security.policy import OFFICER, SIGNED_IN, declare
from grants.security.predicates import can_view_application
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success


@bp.get("/applications/<int:application_id>/submit")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def check(application):
    return _check_page(application)


def _check_page(application, status: int = 200, refusal: str | None = None):
    return section_page(
        "applications/check.html",
        application,
        status,
        gaps=gaps(application, utcnow()),
        questions=questions_for(application),
        answers=answers_by_key(application),
        refusal=refusal,
    )


@bp.post("/applications/<int:application_id>/submit")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def submit(application):
    try:
        result = submit_application(current_user, application.id, utcnow())
    except PermissionDenied as error:
        abort(403, error.message)
    except DomainError as error:
        return _check_page(application, error.status, refusal=error.message)
    if result.newly_submitted:
        flash_success(
            _(
                "Submitted. Your reference is %(reference)s; every team member has been sent a receipt.",
                reference=result.application.reference,
            )
        )
    else:
        flash(
            _(
                "This application was already submitted as %(reference)s.",
                reference=result.application.reference,
            ),
            "info",
        )
    return redirect(url_for(".overview", application_id=application.id), 303)


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def withdraw(application):
    return _reason_page(
        application,
        "applications/withdraw.html",
        withdraw_application,
        _("The application was withdrawn; the team has been told."),
    )


@bp.route("/applications/<int:application_id>/reopen", methods=["GET", "POST"])
@declare(OFFICER, load=LOAD_APPLICATION)
def reopen(application):
    return _reason_page(
        application,
        "applications/reopen.html",
        reopen_application,
        _("Reopened. The team has been told what to correct."),
    )


def _reason_page(application, template, transition, success):
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            transition(current_user, application, form.reason.data, utcnow())
        except DomainError as error:
            return section_page(template, application, attach_error(form, error), form=form)
        flash_success(success)
        return redirect(url_for(".overview", application_id=application.id), 303)
    return section_page(template, application, 422 if form.errors else 200, form=form)
