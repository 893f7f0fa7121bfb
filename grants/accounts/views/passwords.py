"""Forgotten passwords: asking for a reset link and using it."""

from flask import current_app, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from grants.accounts.forms import EmailOnlyForm, ResetPasswordForm
from grants.accounts.services import passwords
from grants.accounts.views.blueprint import bp, link_problem
from grants.errors import DomainError, InvalidToken
from grants.extensions import limiter
from grants.security.policy import PUBLIC, declare
from grants.security.rate_limits import account_email_limit
from grants.web import attach_error, flash_success, render_form


@bp.route("/password/forgot", methods=["GET", "POST"])
@declare(PUBLIC)
@limiter.limit(account_email_limit, methods=["POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        passwords.request_password_reset(form.email.data)
        minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60)
        flash_success(
            _(
                "If an account uses %(email)s, we have emailed it a link to reset the "
                "password. The link works once, for %(minutes)s minutes.",
                email=form.email.data,
                minutes=minutes,
            )
        )
        return redirect(url_for(".sign_in"))
    return render_form("accounts/forgot_password.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@declare(PUBLIC)
def reset_password(token: str):
    try:
        passwords.user_for_reset_token(token)
    except InvalidToken as error:
        return link_problem(error, reset=True)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.reset_password(token, form.password.data)
        except DomainError as error:
            return render_form("accounts/reset_password.html", form, attach_error(form, error))
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash_success(_("Your password has been changed. Sign in with your new password."))
        return redirect(url_for(".sign_in"))
    return render_form("accounts/reset_password.html", form)
