"""The language switcher's endpoint: signed-in people keep their choice on their profile (so their
emails follow it too); visitors keep it in their session until they sign in."""

from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user

from grants.accounts.services.language import check_language, choose_language
from grants.errors import DomainError, ValidationError
from grants.i18n import SESSION_KEY
from grants.security.policy import PUBLIC, declare
from grants.web import safe_next

bp = Blueprint("language", __name__)


@bp.post("/language")
@declare(PUBLIC)
def choose():
    language = request.form.get("language")
    try:
        if current_user.is_authenticated:
            choose_language(current_user, language)
        else:
            session[SESSION_KEY] = check_language(language)
    except ValidationError as error:
        # A bad request (400), shown with its message: abort() would show the generic one.
        raise DomainError(error.message) from error
    return redirect(safe_next(request.form.get("next")) or url_for("core.home"), 303)
