"""Administrators: accounts, their roles, and institutions."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.accounts.admin_forms import InstitutionForm, RoleChangeForm
from grants.accounts.models import User
from grants.accounts.roles import GRANTABLE_ROLES, Role
from grants.accounts.services import devices, two_factor
from grants.accounts.services.institutions import create_institution, list_institutions
from grants.accounts.services.roles import grant_role, revoke_role, search_users
from grants.errors import DomainError
from grants.extensions import db
from grants.security.policy import ADMIN, Loads, declare
from grants.security.predicates import can_change_role
from grants.security.recent_authentication import recent_authentication_required
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, page_number, render_form

bp = Blueprint("admin", __name__, url_prefix="/admin")
LOAD_USER = Loads("user_id", lambda user_id: db.session.get(User, user_id), "target")


@bp.get("/users")
@declare(ADMIN)
def users():
    query = request.args.get("q", "")[:200]
    role_name = request.args.get("role", "")
    role = Role(role_name) if role_name in Role.__members__.values() else None
    found = search_users(query, role, page=page_number(), per_page=current_app.config["USERS_PER_PAGE"])
    return render_template("admin/users.html", page=found, query=query, role=role, roles=list(Role))


@bp.get("/users/<int:user_id>")
@declare(ADMIN, load=LOAD_USER)
def user_detail(target: User):
    return _render_user(target)


@bp.post("/users/<int:user_id>/roles")
@declare(ADMIN, load=LOAD_USER)
@recent_authentication_required(back="admin.user_detail")
def change_role(target: User):
    form = RoleChangeForm()
    if not form.validate_on_submit():
        form.form_errors.append(_("Choose a role and whether to grant or revoke it."))
        return _render_user(target, form, 400)
    role = Role(form.role.data)
    try:
        if form.action.data == "grant":
            grant_role(_actor(), target, role)
        else:
            revoke_role(_actor(), target, role)
    except DomainError as error:
        return _render_user(target, form, attach_error(form, error))
    role_name = role.label.lower()
    if form.action.data == "grant":
        flash_success(_("%(name)s is now a %(role)s.", name=target.full_name, role=role_name))
    else:
        flash_success(_("%(name)s is no longer a %(role)s.", name=target.full_name, role=role_name))
    return redirect(url_for(".user_detail", user_id=target.id))


@bp.post("/users/<int:user_id>/two-factor/reset")
@declare(ADMIN, load=LOAD_USER)
@recent_authentication_required(back="admin.user_detail")
def reset_two_factor(target: User):
    back = url_for(".user_detail", user_id=target.id)
    try:
        ended = two_factor.reset_two_factor(_actor(), target, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back, 303)
    flash_success(
        _(
            "Two-factor authentication is reset for %(name)s, who is signed out everywhere"
            " (%(num)s sessions).",
            name=target.full_name,
            num=ended,
        )
    )
    return redirect(back, 303)


@bp.post("/users/<int:user_id>/sessions/end")
@declare(ADMIN, load=LOAD_USER)
@recent_authentication_required(back="admin.user_detail")
def end_user_sessions(target: User):
    ended = devices.end_every_session(_actor(), target)
    message = _("%(name)s is signed out everywhere (%(num)s sessions).", name=target.full_name, num=ended)
    flash_success(message)
    return redirect(url_for(".user_detail", user_id=target.id), 303)


def _actor() -> User:
    return current_user._get_current_object()


def _render_user(target: User, form: RoleChangeForm | None = None, status: int = 200):
    actor = _actor()
    changeable = {role: can_change_role(actor, target, role) for role in GRANTABLE_ROLES}
    return render_template(
        "admin/user_detail.html",
        target=target,
        roles=GRANTABLE_ROLES,
        changeable=changeable,
        form=form or RoleChangeForm(),
    ), status


@bp.route("/institutions", methods=["GET", "POST"])
@declare(ADMIN)
def institutions():
    form = InstitutionForm()
    form.fill_choices()
    if form.validate_on_submit():
        try:
            created = create_institution(
                _actor(),
                name=form.name.data,
                country=form.country.data,
                email_domain=form.email_domain.data,
            )
        except DomainError as error:
            status = attach_error(form, error)
            return render_form("admin/institutions.html", form, status, institutions=list_institutions())
        flash_success(_("%(name)s has been added.", name=created.name))
        return redirect(url_for(".institutions"))
    return render_form("admin/institutions.html", form, institutions=list_institutions())
