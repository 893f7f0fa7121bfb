"""The profile page: details and password change."""

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.accounts.forms import ChangePasswordForm, ProfileForm
from grants.accounts.roles import Role
from grants.accounts.services import passwords
from grants.accounts.services.institutions import list_institutions
from grants.accounts.services.profile import update_profile
from grants.accounts.views.blueprint import bp
from grants.accounts.views.reauth import recent_authentication_required
from grants.errors import DomainError
from grants.security.policy import SIGNED_IN, declare
from grants.web import attach_error, flash_success, render_form


@bp.route("/profile", methods=["GET", "POST"])
@declare(SIGNED_IN)
def profile():
    form = _profile_form(from_request=request.method == "POST")
    password_form = ChangePasswordForm(prefix="pw", formdata=None)
    if form.validate_on_submit():
        try:
            changes = update_profile(
                current_user,
                full_name=form.full_name.data,
                institution_id=form.institution_id.data,
                country=form.country.data,
                orcid=form.orcid.data,
                time_zone=form.time_zone.data,
                language=form.language.data,
                email_reminders=form.email_reminders.data,
                # Only officers get the digest, so only they see (and post) its box.
                email_digests=form.email_digests.data if current_user.has_role(Role.OFFICER) else None,
            )
        except DomainError as error:
            status = attach_error(form, error)
            return render_form("accounts/profile.html", form, status, password_form=password_form)
        flash_success(_("Your profile has been saved.") if changes else _("Nothing changed."))
        return redirect(url_for(".profile"))
    return render_form("accounts/profile.html", form, password_form=password_form)


@bp.post("/profile/password")
@declare(SIGNED_IN)
@recent_authentication_required(back="accounts.profile")
def change_password():
    password_form = ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            ended = passwords.change_password(
                current_user,
                password_form.current_password.data,
                password_form.new_password.data,
                keep_token=current_user.current_session_token,
            )
        except DomainError as error:
            attach_error(password_form, error)
        else:
            if ended:
                flash_success(
                    _(
                        "Your password has been changed. %(num)s other signed-in session(s) were signed out.",
                        num=ended,
                    )
                )
            else:
                flash_success(_("Your password has been changed."))
            return redirect(url_for(".profile"))
    return render_form(
        "accounts/profile.html", _profile_form(from_request=False), 422, password_form=password_form
    )


def _profile_form(*, from_request: bool) -> ProfileForm:
    """The profile form, from the posted data or (when showing the page) from the account."""
    form = ProfileForm() if from_request else ProfileForm(formdata=None, obj=current_user)
    form.fill_choices(list_institutions())
    if not from_request:
        form.institution_id.data = current_user.institution_id or 0
        form.country.data = current_user.country or ""
    return form
