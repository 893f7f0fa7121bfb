"""Registering an account and confirming its email address."""

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.accounts.forms import ConfirmForm, EmailOnlyForm, RegisterForm
from grants.accounts.reference import reading_language
from grants.accounts.services import registration
from grants.accounts.views.blueprint import bp, link_problem
from grants.errors import DomainError, InvalidToken
from grants.extensions import limiter
from grants.security.passwords import MIN_PASSWORD_LENGTH
from grants.security.policy import PUBLIC, declare
from grants.security.rate_limits import account_email_limit
from grants.web import attach_error, flash_success, render_form


@bp.route("/register", methods=["GET", "POST"])
@declare(PUBLIC)
@limiter.limit(account_email_limit, methods=["POST"], deduct_when=lambda r: r.status_code < 400)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = registration.register_user(
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                language=reading_language(),  # the switcher's choice, else the browser's
            )
        except DomainError as error:
            return render_form("accounts/register.html", form, attach_error(form, error))
        session["registered_email"] = user.email
        return redirect(url_for(".registered"))
    return render_form("accounts/register.html", form, min_length=MIN_PASSWORD_LENGTH)


@bp.get("/register/check-your-email")
@declare(PUBLIC)
def registered():
    return render_template(
        "accounts/registered.html", email=session.get("registered_email"), form=EmailOnlyForm()
    )


@bp.get("/verify/<token>")
@declare(PUBLIC)
def verify_email(token: str):
    return render_template("accounts/verify.html", token=token, form=ConfirmForm())


@bp.post("/verify/<token>")
@declare(PUBLIC)
def confirm_email(token: str):
    try:
        registration.verify_email(token)
    except InvalidToken as error:
        return link_problem(error, resend=True)
    flash_success(_("Your email address is confirmed."))
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    flash(_("You can sign in now."), "info")
    return redirect(url_for(".sign_in"))


@bp.post("/verify/resend")
@declare(PUBLIC)
@limiter.limit(account_email_limit)
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        registration.resend_verification(form.email.data)
        flash_success(_("If an unconfirmed account uses that address, we have sent it a new link."))
        return redirect(url_for(".sign_in"))
    flash(_("Enter the email address you registered with."), "error")
    return redirect(url_for(".sign_in"))
