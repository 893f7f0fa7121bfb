"""Signing in and out."""

from flask import redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from grants.accounts.forms import EmailOnlyForm, SignInForm
from grants.accounts.services import sessions
from grants.accounts.views.blueprint import bp
from grants.errors import DomainError
from grants.extensions import limiter
from grants.security.policy import PUBLIC, SIGNED_IN, declare
from grants.security.rate_limits import (
    failed_attempt,
    sign_in_account_key,
    sign_in_account_limit,
    sign_in_address_limit,
)
from grants.web import attach_error, client_address, flash_success, render_form, safe_next


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
            session.clear()  # nothing from before sign-in survives (session fixation)
            sessions.start_session(user, user_agent=request.user_agent.string, ip_address=client_address())
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("core.home"))
        return render_form(
            "accounts/sign_in.html",
            form,
            status,
            unverified=unverified,
            resend_form=EmailOnlyForm(email=form.email.data),
        )
    return render_form("accounts/sign_in.html", form, unverified=False, resend_form=None)


@bp.post("/sign-out")
@declare(SIGNED_IN)
def sign_out():
    sessions.end_session(current_user, current_user.current_session_token)
    logout_user()
    session.clear()
    flash_success(_("You have signed out."))
    return redirect(url_for("core.home"))
