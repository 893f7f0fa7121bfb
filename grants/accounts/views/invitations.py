"""Invitations into invite-only roles: sending them (officers) and accepting them."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.accounts.forms import ConfirmForm, InviteForm
from grants.accounts.roles import Role
from grants.accounts.services import invitations
from grants.accounts.views.blueprint import bp, link_problem
from grants.errors import DomainError, InvalidToken
from grants.security.policy import PUBLIC, SIGNED_IN, STAFF, declare
from grants.web import attach_error, flash_success, render_form


@bp.get("/invitations/<token>")
@declare(PUBLIC)
def invitation(token: str):
    try:
        found = invitations.find_live_invitation(token)
    except InvalidToken as error:
        return link_problem(error)
    return render_template(
        "accounts/invitation.html", invitation=found, role=Role(found.role), form=ConfirmForm()
    )


@bp.post("/invitations/<token>")
@declare(SIGNED_IN)
def accept_invitation(token: str):
    try:
        accepted = invitations.accept_invitation(current_user, token)
    except InvalidToken as error:
        return link_problem(error)
    flash_success(_("Welcome: you are now a %(role)s.", role=Role(accepted.role).label.lower()))
    return redirect(url_for("core.home"))


@bp.route("/reviewers/invite", methods=["GET", "POST"])
@declare(STAFF)
def invite_reviewer():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitations.invite_to_role(
                current_user, email=form.email.data, role=Role.REVIEWER, message=form.message.data
            )
        except DomainError as error:
            status = attach_error(form, error)
            return render_form(
                "accounts/invite_reviewer.html", form, status, invitations=invitations.recent_invitations()
            )
        flash_success(_("Invitation sent to %(email)s.", email=form.email.data))
        return redirect(url_for(".invite_reviewer"))
    return render_form("accounts/invite_reviewer.html", form, invitations=invitations.recent_invitations())
