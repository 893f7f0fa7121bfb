"""The awards blueprint, the objects its routes load, and the one-form page most actions use."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from grants.applications.services.listing import find_application
from grants.awards.services.portfolio import (
    find_award,
    find_milestone,
    find_payment,
    find_report,
    find_report_file,
    holds_any_award,
)
from grants.calls.services.listing import find_call
from grants.calls.services.programmes import find_programme
from grants.errors import DomainError, NotFound, PermissionDenied
from grants.extensions import db
from grants.security.policy import Loads
from grants.web import attach_error, flash_success

bp = Blueprint("awards", __name__)

LOAD_CALL = Loads("call_id", find_call, "call")
LOAD_APPLICATION = Loads("application_id", find_application, "application")
LOAD_PROGRAMME = Loads("programme_id", find_programme, "programme")
LOAD_AWARD = Loads("award_id", find_award, "award")
LOAD_REPORT = Loads("report_id", find_report, "report")
LOAD_PAYMENT = Loads("payment_id", find_payment, "payment")
LOAD_MILESTONE = Loads("milestone_id", find_milestone, "milestone")
LOAD_REPORT_FILE = Loads("file_id", find_report_file, "report_file")


def form_page(
    form: FlaskForm,
    action: Callable[[], Any],
    *,
    heading: str,
    back: str,
    success: str,
    submit: str,
    intro: str = "",
    back_label: str | None = None,
    template: str = "awards/form_page.html",
    **context: Any,
):
    """Show ``form`` on its own page; on a valid POST run ``action`` and go ``back``. A refusal is
    rolled back and shown on the form, with what the person typed kept."""
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                action()
            except (PermissionDenied, NotFound) as error:
                db.session.rollback()
                abort(error.status, error.message)
            except DomainError as error:
                db.session.rollback()
                status = attach_error(form, error)
            else:
                flash_success(success)
                return redirect(back, 303)
    return render_template(
        template,
        form=form,
        heading=heading,
        intro=intro,
        back=back,
        back_label=back_label or _("Back"),
        submit=submit,
        **context,
    ), status


@bp.app_context_processor
def _award_helpers() -> dict:
    """``holds_awards()`` for the main navigation; it queries only when a page calls it."""
    return {"holds_awards": lambda: holds_any_award(current_user)}
