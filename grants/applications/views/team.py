"""The team page, inviting and removing members, and accepting an invitation from its link."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.accounts.forms import ConfirmForm
from grants.accounts.reference import country_name
from grants.accounts.services.institutions import list_institutions
from grants.accounts.views.blueprint import link_problem
from grants.applications.forms import InviteMemberForm
from grants.applications.services import team as team_services
from grants.applications.services.confirmations import confirm_side, side_statuses
from grants.applications.views.blueprint import LOAD_APPLICATION, bp, section_page
from grants.choices import options
from grants.errors import DomainError, InvalidToken
from grants.security.policy import PUBLIC, SIGNED_IN, declare
from grants.security.predicates import can_view_application
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, perform


def _invite_form(application) -> InviteMemberForm:
    form = InviteMemberForm()
    form.country.choices = options(
        [("", _("Choose their side")), *((c, country_name(c)) for c in application.call.countries)]
    )
    form.institution_id.choices = options(
        [(0, _("Choose their institution")), *((i.id, i.name) for i in list_institutions())]
    )
    return form


def _team_page(application, form, status=200):
    return section_page(
        "applications/team.html",
        application,
        status,
        form=form,
        sides=side_statuses(application),
        role_labels=team_services.ROLE_LABELS,
    )


@bp.get("/applications/<int:application_id>/team")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def team(application):
    return _team_page(application, _invite_form(application))


@bp.post("/applications/<int:application_id>/team")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def invite(application):
    form = _invite_form(application)
    if not form.validate():
        return _team_page(application, form, 422)
    try:
        team_services.invite_member(
            current_user,
            application,
            email=form.email.data,
            full_name=form.full_name.data,
            role=form.role.data,
            country=form.country.data,
            institution_id=form.institution_id.data or None,
            now=utcnow(),
        )
    except DomainError as error:
        return _team_page(application, form, attach_error(form, error))
    flash_success(_("Invitation sent to %(email)s.", email=form.email.data))
    return redirect(url_for(".team", application_id=application.id), 303)


@bp.post("/applications/<int:application_id>/team/<int:member_id>/remove")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def remove_member(application, member_id: int):
    return perform(
        lambda: team_services.remove_member(current_user, application, member_id, utcnow()),
        back=url_for(".team", application_id=application.id),
        success=_("Removed from the team."),
    )


@bp.post("/applications/<int:application_id>/confirm/<country>")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def confirm(application, country: str):
    return perform(
        lambda: confirm_side(current_user, application, country, utcnow()),
        back=url_for(".team", application_id=application.id) + "#confirmations",
        success=_("You confirmed the %(side)s side's team and budget.", side=country_name(country)),
    )


@bp.get("/team-invitations/<token>")
@declare(PUBLIC)
def team_invitation(token: str):
    try:
        member = team_services.find_member_invitation(token)
    except InvalidToken as error:
        return link_problem(error)
    return render_template(
        "applications/team_invitation.html",
        member=member,
        form=ConfirmForm(),
        role_label=team_services.ROLE_LABELS[member.role],
    )


@bp.post("/team-invitations/<token>")
@declare(SIGNED_IN)
def accept_team_invitation(token: str):
    try:
        member = team_services.accept_member_invitation(current_user, token, utcnow())
    except DomainError as error:
        page, _status = link_problem(error)
        return page, error.status
    flash_success(_("You joined the team of “%(title)s”.", title=member.application.title))
    return redirect(url_for(".overview", application_id=member.application_id), 303)


@bp.post("/team-invitations/pending/<int:member_id>")
@declare(SIGNED_IN)
def join_pending(member_id: int):
    return perform(
        lambda: team_services.accept_pending_invitation(current_user, member_id, utcnow()),
        back=url_for(".mine"),
        success=_("You joined the team. The application is now in your list."),
    )
