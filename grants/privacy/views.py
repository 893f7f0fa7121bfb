"""Personal data pages: a person downloads their data from their profile; an administrator
downloads a person's data (a subject access request by email) or erases it."""

from flask import Blueprint, Response, redirect, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.accounts.models import User
from grants.errors import DomainError
from grants.extensions import db
from grants.privacy.erasure import erase_person, erasure_obstacles, pseudonym
from grants.privacy.export import export_file_name, export_personal_data
from grants.privacy.forms import EraseForm
from grants.security.policy import ADMIN, SIGNED_IN, Loads, declare
from grants.security.recent_authentication import recent_authentication_required
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, render_form

bp = Blueprint("privacy", __name__)
LOAD_PERSON = Loads("user_id", lambda user_id: db.session.get(User, user_id), "person")


@bp.post("/profile/personal-data")
@declare(SIGNED_IN)
@recent_authentication_required(back="accounts.profile")
def my_data():
    return _download(current_user._get_current_object())


@bp.post("/admin/users/<int:user_id>/personal-data")
@declare(ADMIN, load=LOAD_PERSON)
def person_data(person: User):
    return _download(person)


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@declare(ADMIN, load=LOAD_PERSON)
@recent_authentication_required
def erase(person: User):
    form = EraseForm()
    obstacles = [] if person.erased_at else erasure_obstacles(person)
    context = {"person": person, "obstacles": obstacles, "own_account": person.id == current_user.id}
    if form.validate_on_submit():
        try:
            erase_person(current_user, person, confirm_email=form.confirm_email.data, now=utcnow())
        except DomainError as error:
            return render_form("privacy/erase.html", form, attach_error(form, error), **context)
        flash_success(
            _("Their personal data has been erased. The account is now “%(name)s”.", name=pseudonym(person))
        )
        return redirect(url_for("admin.user_detail", user_id=person.id), 303)
    return render_form("privacy/erase.html", form, **context)


def _download(person: User) -> Response:
    """The export, streamed: the audit event is committed before the first byte is sent."""
    chunks = export_personal_data(current_user, person)
    return Response(
        stream_with_context(chunks),
        mimetype="application/json",
        headers={
            "Content-Disposition": f"attachment; filename={export_file_name(person, utcnow())}",
            "Cache-Control": "no-store",
        },
    )
