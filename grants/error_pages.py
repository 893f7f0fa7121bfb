"""Friendly error pages (HTML) and JSON error bodies (API), leaking no internals."""

import contextlib
import logging

from flask import Flask, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from grants.errors import DomainError
from grants.extensions import db, login_manager
from grants.security.refusals import note_domain_refusal
from grants.web import wants_json

log = logging.getLogger("grants.errors")
PAGES = {400, 403, 404, 405, 409, 413, 429, 500, 503}
# When a 503 says to come back: a restart or failover of PostgreSQL is over in seconds; anything
# else unavailable (a full disk for uploads) needs an operator, so minutes.
DATABASE_RETRY_AFTER_SECONDS = 5
RETRY_AFTER_SECONDS = 120
MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to see this page."),
    404: _l("We could not find that page."),
    405: _l("That action is not available here."),
    409: _l("That change clashes with the current state. Reload the page and try again."),
    413: _l("That upload is too large."),
    429: _l("Too many attempts. Wait a minute, then try again."),
    500: _l("Something went wrong on our side. It has been logged; please try again shortly."),
    503: _l("The service is briefly unavailable; nothing was lost — try again in a moment."),
}


def _render(status: int, message: str | None = None):
    message = str(message or MESSAGES.get(status, MESSAGES[500]))
    if wants_json():
        return jsonify(error={"status": status, "message": message}), status
    template = f"errors/{status}.html" if status in PAGES else "errors/generic.html"
    return render_template(template, status=status, message=message), status


def is_database_outage(error: BaseException | None) -> bool:
    """Whether ``error`` is the database refusing or dropping the connection (a restart, a
    failover). The request's transaction then never committed, or committed whole before its
    answer was lost; either way sending it again is safe, so the answer is a retryable 503."""
    return isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def _database_unavailable():
    """The 503 page, rendered without the database: the session is rolled back and the page
    is drawn as for a visitor, since the signed-in user (and their roles) cannot be loaded."""
    log.warning("database unavailable on %s %s", request.method, request.path)
    with contextlib.suppress(Exception):
        db.session.rollback()
    g._login_user = login_manager.anonymous_user()
    response = make_response(_render(503))
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def init_error_pages(app: Flask) -> None:
    @app.after_request
    def _say_when_to_come_back(response):
        """Every 503, an error page or a form refused for now (a full disk), says when to retry."""
        if response.status_code == 503:
            response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
        return response

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        if wants_json() and not current_user.is_authenticated:
            # A script saving after a sign-out in another tab of this browser: the CSRF secret went
            # with the session. Saying "signed out" (401) lets the page keep the text for later.
            return login_manager.unauthorized()
        return _render(
            400,
            _(
                "Your form expired or was sent from elsewhere. Go back, reload the "
                "page and submit again; nothing was changed."
            ),
        )

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        note_domain_refusal(error)
        return _render(error.status, error.message)

    @app.errorhandler(DBAPIError)
    def _database(error: DBAPIError):
        return _database_unavailable() if is_database_outage(error) else _unexpected(error)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        # The commit after the view failed: Flask hands that over as a 500 wrapping the cause.
        if is_database_outage(getattr(error, "original_exception", None)):
            return _database_unavailable()
        # A view that turns a service's refusal into ``abort(403)`` does so while handling it.
        note_domain_refusal(error.__context__)
        status = error.code or 500
        return _render(status, MESSAGES.get(status) or error.description)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return _http(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(InternalServerError.code)
