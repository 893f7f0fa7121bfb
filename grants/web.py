"""View helpers shared by every blueprint: turning domain errors into form errors, safe redirects."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request
from flask_wtf import FlaskForm

from grants.errors import DomainError, NotFound, PermissionDenied
from grants.extensions import db
from grants.numbers import MAX_INT, whole_number
from grants.security.refusals import note_domain_refusal

INVALID_FORM_STATUS = 422


def attach_error(form: FlaskForm, error: DomainError) -> int:
    """Show ``error`` on its field when the form has one, else in the summary; return its status."""
    note_domain_refusal(error)
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
    return error.status


def render_form(template: str, form: FlaskForm, status: int | None = None, **context):
    """Render a form page: 422 when it has errors, so the request wrapper rolls back."""
    if status is None:
        status = INVALID_FORM_STATUS if (form.errors or form.form_errors) else 200
    return render_template(template, form=form, **context), status


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths, so ``?next=`` cannot send people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def page_number(name: str = "page") -> int:
    """The list page asked for in the query string, from 1 to ``MAX_INT``. A missing, malformed,
    zero or negative one reads as the first page; one too large for the database as ``MAX_INT``,
    which each list reads as its last page. (``request.args.get(..., type=int)`` let
    ``?page=99999999999999999999`` through to the database, which cannot bind it: a 500.)"""
    text = (request.args.get(name) or "").strip()
    number = whole_number(text)
    if number is None:
        return MAX_INT if text.isascii() and text.isdigit() else 1
    return max(number, 1)


def wants_json() -> bool:
    """Whether this request is a script's (it asks for JSON first), so errors and "signed out"
    answer in JSON rather than as a page or a redirect."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


def flash_success(message: str) -> None:
    flash(message, "success")


def client_address() -> str | None:
    return request.remote_addr


def perform(
    action: Callable[[], Any],
    *,
    back: str,
    success: str | None = None,
    forward: Callable[[Any], str] | None = None,
):
    """Run a one-button action and go ``back`` (or to ``forward(result)`` when it succeeds).
    A refusal is rolled back and shown as a message; a forbidden or missing object answers 403
    or 404 like any other page."""
    try:
        result = action()
    except (PermissionDenied, NotFound) as error:
        db.session.rollback()
        abort(error.status, error.message)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back, 303)
    if success:
        flash_success(success)
    return redirect(forward(result) if forward else back, 303)
