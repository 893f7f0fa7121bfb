"""Friendly error pages (HTML) and JSON error bodies (API), leaking no internals."""

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from grants.errors import DomainError

log = logging.getLogger("grants.errors")
PAGES = {400, 403, 404, 405, 409, 413, 429, 500}
MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to see this page."),
    404: _l("We could not find that page."),
    405: _l("That action is not available here."),
    409: _l("That change clashes with the current state. Reload the page and try again."),
    413: _l("That upload is too large."),
    429: _l("Too many attempts. Wait a minute, then try again."),
    500: _l("Something went wrong on our side. It has been logged; please try again shortly."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


def _render(status: int, message: str | None = None):
    message = str(message or MESSAGES.get(status, MESSAGES[500]))
    if _wants_json():
        return jsonify(error={"status": status, "message": message}), status
    template = f"errors/{status}.html" if status in PAGES else "errors/generic.html"
    return render_template(template, status=status, message=message), status


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return _render(
            400,
            _(
                "Your form expired or was sent from elsewhere. Go back, reload the "
                "page and submit again; nothing was changed."
            ),
        )

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return _render(error.status, error.message)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        return _render(status, MESSAGES.get(status) or error.description)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return _http(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(InternalServerError.code)
