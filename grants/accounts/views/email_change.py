"""Changing one's email address: asking (after proving who one is again) and following the link."""

from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.accounts.forms import ChangeEmailForm, ConfirmForm
from grants.accounts.services import email_change
from grants.accounts.views.blueprint import bp, link_problem
from grants.accounts.views.reauth import recent_authentication_required
from grants.errors import DomainError, InvalidToken
from grants.extensions import limiter
from grants.security.policy import SIGNED_IN, declare
from grants.security.rate_limits import account_email_limit
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, render_form


@bp.route("/account/email", methods=["GET", "POST"])
@declare(SIGNED_IN)
@recent_authentication_required
@limiter.limit(account_email_limit, methods=["POST"])
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            new_email = email_change.request_email_change(current_user, form.new_email.data)
        except DomainError as error:
            return render_form("accounts/change_email.html", form, attach_error(form, error))
        flash_success(
            _(
                "We have sent a link to %(email)s. Your address changes when you follow it, "
                "signed in, within %(hours)s hours.",
                email=new_email,
                hours=int(current_app.config["EMAIL_CHANGE_MAX_AGE"].total_seconds() // 3600),
            )
        )
        return redirect(url_for(".profile"), 303)
    return render_form("accounts/change_email.html", form)


@bp.get("/account/email/confirm/<token>")
@declare(SIGNED_IN)
def confirm_email_change(token: str):
    """The emailed link shows a button: a POST, so a link preview or a scanner cannot act."""
    try:
        new_email = email_change.pending_change(current_user, token)
    except InvalidToken as error:
        return link_problem(error)
    return render_template(
        "accounts/confirm_email_change.html", token=token, new_email=new_email, form=ConfirmForm()
    )


@bp.post("/account/email/confirm/<token>")
@declare(SIGNED_IN)
def apply_email_change(token: str):
    try:
        ended = email_change.confirm_email_change(
            current_user._get_current_object(), token, current_user.current_session_token, utcnow()
        )
    except DomainError as error:
        return link_problem(error)
    flash_success(_("Your email address is now %(email)s.", email=current_user.email))
    if ended:
        flash_success(_("%(num)s other session(s) signed out.", num=ended))
    return redirect(url_for(".profile"), 303)
