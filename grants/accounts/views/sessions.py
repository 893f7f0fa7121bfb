"""Signed-in sessions: the page listing them, signing one or all others out, and what the browser
needs to keep a draft through a time-out (how long is left, "Stay signed in", a 401 for scripts).

The user loader lives here because only the web layer knows what a request does to the idle
clock: a POST is activity, a page view is, the page asking how long it has left is not.
"""

from datetime import datetime
from urllib.parse import urlsplit

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_url
from flask_wtf.csrf import generate_csrf

from grants.accounts.forms import ConfirmForm
from grants.accounts.models import User
from grants.accounts.services import devices
from grants.accounts.services.sessions import Activity, user_for_session
from grants.accounts.views.blueprint import bp
from grants.errors import NotFound
from grants.extensions import login_manager
from grants.security.headers import no_store
from grants.security.policy import SIGNED_IN, declare
from grants.timeutil import utcnow
from grants.web import flash_success, safe_next, wants_json

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def load_signed_in_user(token: str) -> User | None:
    """Flask-Login's user loader: the session's user, moving the idle clock as this request says."""
    if request.endpoint == "accounts.session_status":
        activity = Activity.NONE
    elif request.method in WRITES:
        activity = Activity.WRITE
    else:
        activity = Activity.VIEW
    return user_for_session(token, activity)


def answer_signed_out():
    """Flask-Login's unauthorized handler. A script (an autosave) gets 401 JSON it can act on,
    never a redirect to the sign-in page that ``fetch`` would follow and swallow; a person gets the
    sign-in page, and comes back afterwards to the page they were on (for a POST, the page whose
    form they sent when the browser says which, since a POST cannot be repeated by a redirect)."""
    if wants_json():
        errors = {"form": [signed_out_text()]}
        sign_in = url_for("accounts.sign_in")
        return jsonify(signed_in=False, saved=False, errors=errors, sign_in_url=sign_in), 401
    flash(str(login_manager.login_message), login_manager.login_message_category)
    target = None if request.method in ("GET", "HEAD") else _page_of_the_form()
    return redirect(login_url("accounts.sign_in", next_url=target or request.url))


def signed_out_text() -> str:
    return _("You have been signed out. Sign in again to save your changes.")


def _page_of_the_form() -> str | None:
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def session_clock() -> dict | None:
    """What the page's script needs to warn before the idle time-out (None when signed out)."""
    ends_at = getattr(current_user, "current_session_ends_at", None)
    if not current_user.is_authenticated or ends_at is None:
        return None
    return {
        "left": _seconds_until(ends_at),
        "warn": int(current_app.config["AUTH_SESSION_WARNING"].total_seconds()),
        "status": url_for("accounts.session_status"),
        "account": current_user.id,
    }


def _seconds_until(moment: datetime) -> int:
    return max(int((moment - utcnow()).total_seconds()), 0)


@bp.app_context_processor
def _session_clock_processor() -> dict:
    return {"session_clock": session_clock}


@bp.get("/account/session")
@declare(SIGNED_IN)
def session_status():
    """How long this session has left, and a fresh CSRF token (signing in again elsewhere replaces
    the one the page was served with). Asking is not activity: it does not move the idle clock."""
    return _status()


def _status():
    left = _seconds_until(current_user.current_session_ends_at)
    return jsonify(signed_in=True, left=left, csrf_token=generate_csrf())


@bp.post("/account/session/keep-alive")
@declare(SIGNED_IN)
def keep_alive():
    """ "Stay signed in": any POST is activity, so this only answers how long is left now."""
    if wants_json():
        return _status()
    return redirect(safe_next(request.form.get("next")) or url_for("core.home"), 303)


@bp.get("/account/sessions")
@declare(SIGNED_IN)
@no_store
def sessions_page():
    listed = devices.live_sessions(current_user, current_user.current_session_token, utcnow())
    return render_template("accounts/sessions.html", sessions=listed, form=ConfirmForm())


@bp.post("/account/sessions/<int:session_id>/end")
@declare(SIGNED_IN)
def end_session(session_id: int):
    try:
        devices.end_one_session(current_user, session_id, current_user.current_session_token, utcnow())
    except NotFound:
        abort(404)
    flash_success(_("That session has been signed out."))
    return redirect(url_for(".sessions_page"), 303)


@bp.post("/account/sessions/end-others")
@declare(SIGNED_IN)
def end_other_sessions():
    ended = devices.end_all_other_sessions(current_user, current_user.current_session_token)
    flash_success(_("%(num)s other session(s) signed out.", num=ended))
    return redirect(url_for(".sessions_page"), 303)
