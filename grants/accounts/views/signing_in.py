"""Signing in and out."""

import logging

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from grants.accounts.forms import EmailOnlyForm, SecondFactorForm, SignInForm
from grants.accounts.models import User
from grants.accounts.services import sessions, two_factor
from grants.accounts.views.blueprint import bp
from grants.errors import DomainError
from grants.extensions import db, limiter
from grants.i18n import SESSION_KEY as LANGUAGE_KEY
from grants.security.policy import PUBLIC, SIGNED_IN, declare
from grants.security.rate_limits import (
    PENDING_SIGN_IN,
    count_wrong_code,
    failed_attempt,
    pending_sign_in_key,
    sign_in_account_key,
    sign_in_account_limit,
    sign_in_address_limit,
    two_factor_limit,
)
from grants.timeutil import utcnow
from grants.web import attach_error, client_address, flash_success, render_form, safe_next

log = logging.getLogger("grants.access")


@bp.route("/sign-in", methods=["GET", "POST"])
@declare(PUBLIC)
@limiter.limit(
    sign_in_account_limit,
    key_func=sign_in_account_key,
    methods=["POST"],
    deduct_when=failed_attempt,
    scope="sign-in-account",
)
@limiter.limit(sign_in_address_limit, methods=["POST"], deduct_when=failed_attempt, scope="sign-in-address")
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = SignInForm()
    unverified = False
    if form.validate_on_submit():
        try:
            user = sessions.authenticate(form.email.data, form.password.data)
        except sessions.EmailNotVerified as error:
            unverified = True
            status = attach_error(form, error)
        except DomainError as error:
            status = attach_error(form, error)
        else:
            if two_factor.is_enabled(user):
                return _ask_for_code(user, safe_next(request.args.get("next")))
            return _finish_sign_in(user, safe_next(request.args.get("next")))
        return render_form(
            "accounts/sign_in.html",
            form,
            status,
            unverified=unverified,
            resend_form=EmailOnlyForm(email=form.email.data),
        )
    return render_form("accounts/sign_in.html", form, unverified=False, resend_form=None)


def _finish_sign_in(user: User, target: str | None):
    session.clear()  # nothing from before sign-in survives (session fixation)
    sessions.start_session(user, user_agent=request.user_agent.string, ip_address=client_address())
    login_user(user)
    return redirect(target or url_for("core.home"))


def _ask_for_code(user: User, target: str | None):
    """The password was right; no session starts until the second factor is too. The signed
    cookie remembers who is halfway in, when, and where they were going (and, as at the end of
    any sign-in, the language a visitor chose)."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language
    session[PENDING_SIGN_IN] = {"user": user.id, "at": utcnow().timestamp(), "next": target}
    return redirect(url_for(".sign_in_code"))


def _pending_user() -> User | None:
    """The account waiting for its code (see ``two_factor.pending_sign_in_user``)."""
    pending = session.get(PENDING_SIGN_IN)
    if not isinstance(pending, dict):
        return None
    user = two_factor.pending_sign_in_user(pending.get("user"), pending.get("at"), utcnow())
    if user is None:
        session.pop(PENDING_SIGN_IN, None)
    return user


def after_wrong_code(user: User) -> None:
    """Count a wrong second-factor code (at sign-in or confirming identity); at the count that
    warns, email the owner. The refusal answers 422, which rolls the request back, so this one
    commit keeps the warning; nothing else was changed by a refused code."""
    if count_wrong_code(user.id):
        two_factor.warn_of_wrong_codes(user, utcnow())
        db.session.commit()


@bp.route("/sign-in/code", methods=["GET", "POST"])
@declare(PUBLIC)
@limiter.limit(
    two_factor_limit,
    key_func=pending_sign_in_key,
    methods=["POST"],
    deduct_when=failed_attempt,
    scope="sign-in-code",
)
def sign_in_code():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    user = _pending_user()
    if user is None:
        flash(_("Your sign-in timed out. Enter your email and password again."), "info")
        return redirect(url_for(".sign_in"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if two_factor.verify_second_factor(user, form.code.data, utcnow()):
            return _finish_sign_in(user, session[PENDING_SIGN_IN].get("next"))
        log.info("sign-in failed: wrong second factor for user %s", user.id)
        after_wrong_code(user)
        form.code.errors.append(_("That code is not right, or it was already used."))
    return render_form("accounts/sign_in_code.html", form)


@bp.post("/sign-out")
@declare(SIGNED_IN)
def sign_out():
    sessions.end_session(current_user, current_user.current_session_token)
    logout_user()
    session.clear()
    flash_success(_("You have signed out."))
    return redirect(url_for("core.home"))
