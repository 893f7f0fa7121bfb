"""The reviewer's profile: expertise, load, collaborators and unavailable periods."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.accounts.roles import Role
from grants.choices import options
from grants.errors import DomainError
from grants.reviews.forms import CollaboratorForm, ProfileForm, UnavailableForm
from grants.reviews.services import profiles
from grants.reviews.views.blueprint import bp
from grants.security.policy import any_role, declare
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, perform

REVIEWER = any_role(Role.REVIEWER)


def _page(profile_form=None, collaborator_form=None, unavailable_form=None, status=200):
    profile = current_user.reviewer_profile
    if profile_form is None:
        profile_form = ProfileForm(obj=profile) if profile is not None else ProfileForm()
        if profile is not None:
            profile_form.areas.data = profile.area_names
    profile_form.areas.choices = options((name, name) for name in profiles.known_area_names())
    return render_template(
        "reviews/profile.html",
        profile=profile,
        form=profile_form,
        collaborator_form=collaborator_form or CollaboratorForm(formdata=None),
        unavailable_form=unavailable_form or UnavailableForm(formdata=None),
    ), status


@bp.get("/reviewer/profile")
@declare(REVIEWER)
def profile():
    return _page()


@bp.post("/reviewer/profile")
@declare(REVIEWER)
def save_profile():
    form = ProfileForm()
    form.areas.choices = options((name, name) for name in profiles.known_area_names())
    if not form.validate_on_submit():
        return _page(profile_form=form, status=422)
    try:
        profiles.update_profile(
            current_user,
            keywords=form.keywords.data,
            statement=form.statement.data or "",
            areas=form.areas.data or [],
            max_reviews_per_call=form.max_reviews_per_call.data,
        )
    except DomainError as error:
        return _page(profile_form=form, status=attach_error(form, error))
    flash_success(_("Your reviewer profile is saved."))
    return redirect(url_for(".profile"), 303)


@bp.post("/reviewer/collaborators")
@declare(REVIEWER)
def add_collaborator():
    form = CollaboratorForm()
    if not form.validate_on_submit():
        return _page(collaborator_form=form, status=422)
    try:
        profiles.add_collaborator(
            current_user, name=form.name.data, email=form.email.data or "", orcid=form.orcid.data or ""
        )
    except DomainError as error:
        return _page(collaborator_form=form, status=attach_error(form, error))
    flash_success(_("%(name)s added to your collaborators.", name=form.name.data))
    return redirect(url_for(".profile", _anchor="collaborators"), 303)


@bp.post("/reviewer/collaborators/<int:collaborator_id>/remove")
@declare(REVIEWER)
def remove_collaborator(collaborator_id: int):
    return perform(
        lambda: profiles.remove_collaborator(current_user, collaborator_id),
        back=url_for(".profile", _anchor="collaborators"),
        success=_("Collaborator removed."),
    )


@bp.post("/reviewer/unavailable")
@declare(REVIEWER)
def add_unavailable():
    form = UnavailableForm()
    if not form.validate_on_submit():
        return _page(unavailable_form=form, status=422)
    try:
        profiles.add_unavailable_period(
            current_user,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            note=form.note.data or "",
            today=utcnow().date(),
        )
    except DomainError as error:
        return _page(unavailable_form=form, status=attach_error(form, error))
    flash_success(_("Unavailable period added."))
    return redirect(url_for(".profile", _anchor="unavailable"), 303)


@bp.post("/reviewer/unavailable/<int:period_id>/remove")
@declare(REVIEWER)
def remove_unavailable(period_id: int):
    return perform(
        lambda: profiles.remove_unavailable_period(current_user, period_id),
        back=url_for(".profile", _anchor="unavailable"),
        success=_("Period removed."),
    )
