"""The team: the lead applicant invites co-investigators by email; they join from the link."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grants.accounts.models import Institution, User
from grants.accounts.services.common import normalise_email, token_digest
from grants.applications.models import Application, MemberRole, TeamMember
from grants.applications.services.common import (
    lock_application,
    require_editable,
    require_lead,
    require_open_draft,
)
from grants.applications.states import ApplicationState
from grants.audit.services import record
from grants.errors import Conflict, InvalidToken, NotFound, PermissionDenied, ValidationError
from grants.extensions import db
from grants.links import external_url
from grants.notifications.services import queue_email

MAX_TEAM_SIZE = 20


@dataclass(frozen=True)
class MemberInvitation:
    member: TeamMember
    token: str


ROLE_LABELS = {MemberRole.LEAD: _l("Lead investigator"), MemberRole.CO_INVESTIGATOR: _l("Co-investigator")}


def invite_member(
    actor: User,
    application: Application,
    *,
    email: str,
    full_name: str,
    role: str,
    country: str,
    institution_id: int | None,
    now: datetime,
) -> MemberInvitation:
    """Add a pending member and email them a link to join.

    Returns the member with the link's token, which is stored only as a digest; the CLI and demo
    accept with it the way the invitee's browser would."""
    require_editable(actor, application, now)
    require_lead(actor, application, _("Only the lead applicant can invite people to the team."))
    email = normalise_email(email)
    full_name = " ".join((full_name or "").split())
    if not full_name or len(full_name) > 200:
        raise ValidationError(_("Enter the person's full name."), field="full_name")
    try:
        member_role = MemberRole(role)
    except ValueError:
        raise ValidationError(_("Choose a role."), field="role") from None
    if country not in application.call.countries:
        raise ValidationError(_("Choose the side of the partnership they belong to."), field="country")
    institution = db.session.get(Institution, institution_id) if institution_id else None
    if institution is None:
        raise ValidationError(_("Choose their institution."), field="institution_id")
    if any(member.email == email for member in application.members):
        raise Conflict(_("%(email)s is already on this team.", email=email), field="email")
    if member_role is MemberRole.LEAD and lead_for(application, country) is not None:
        raise Conflict(_("That side already has a lead investigator."), field="role")
    if len(application.members) >= MAX_TEAM_SIZE:
        raise Conflict(_("A team has at most %(limit)s people.", limit=MAX_TEAM_SIZE))
    token = secrets.token_urlsafe(32)
    member = TeamMember(
        email=email,
        full_name=full_name,
        role=member_role,
        country=country,
        institution_id=institution.id,
        invitation_token_hash=token_digest(token),
        invited_by_id=actor.id,
        invited_at=now,
    )
    application.members.append(member)
    record(
        actor,
        "application.member_invited",
        application,
        {"email": [None, email], "role": [None, member_role.value], "country": [None, country]},
    )
    queue_email(
        template="team_invitation",
        key=f"team_invitation:{token_digest(token)[:32]}",
        recipient_email=email,
        # Someone who already has an account reads it in their own language and time zone.
        recipient=db.session.scalar(select(User).where(User.email == email)),
        context={
            "name": full_name,
            "inviter": actor.full_name,
            "title": application.title,
            "call": application.call.title,
            "role": member_role.value,
            "link": external_url("applications.team_invitation", token=token),
        },
    )
    return MemberInvitation(member, token)


def lead_for(application: Application, country: str) -> TeamMember | None:
    return next(
        (member for member in application.members if member.is_lead and member.country == country), None
    )


def find_member_invitation(token: str) -> TeamMember:
    member = db.session.scalar(
        select(TeamMember).where(TeamMember.invitation_token_hash == token_digest(token))
    )
    if member is None:
        raise InvalidToken(
            _("This invitation link is not valid. It may have been withdrawn, or already used.")
        )
    return member


def accept_member_invitation(user: User, token: str, now: datetime) -> TeamMember:
    """Join the team from the emailed link. It works once, for the account with the invited address."""
    return _join(user, find_member_invitation(token), now)


def pending_invitations(user: User) -> list[TeamMember]:
    """Invitations to ``user``'s verified address not yet accepted, on drafts still open to editing.

    Someone who had to create an account first finds them here, without the email's link."""
    if not user.is_verified:
        return []
    return list(
        db.session.scalars(
            select(TeamMember)
            .join(Application)
            .where(
                TeamMember.email == user.email,
                TeamMember.accepted_at.is_(None),
                Application.state == ApplicationState.DRAFT,
            )
            .order_by(TeamMember.invited_at.desc())
        )
    )


def accept_pending_invitation(user: User, member_id: int, now: datetime) -> TeamMember:
    """Join from the list of pending invitations (the account's verified address proves the invite)."""
    member = db.session.get(TeamMember, member_id)
    if member is None or member.accepted_at is not None or member.email != user.email:
        raise NotFound(_("That invitation is not open for you."))
    return _join(user, member, now)


def _join(user: User, member: TeamMember, now: datetime) -> TeamMember:
    lock_application(member.application)
    require_open_draft(member.application, now)
    if member.email != user.email:
        raise PermissionDenied(
            _(
                "This invitation was sent to %(email)s. Sign in with that address to accept it.",
                email=member.email,
            )
        )
    if not user.is_verified:
        raise PermissionDenied(_("Confirm your email address first; then open the invitation link again."))
    member.user_id = user.id
    member.accepted_at = now
    member.invitation_token_hash = None
    member.full_name = user.full_name
    record(user, "application.member_joined", member.application, {"member": [None, user.email]})
    return member


def remove_member(actor: User, application: Application, member_id: int, now: datetime) -> None:
    """The lead applicant removes someone (or withdraws an invitation); they cannot remove themselves."""
    require_editable(actor, application, now)
    require_lead(actor, application, _("Only the lead applicant can change the team."))
    member = next((item for item in application.members if item.id == member_id), None)
    if member is None:
        raise NotFound(_("That person is not on this team."))
    if member.user_id == application.lead_applicant_id:
        raise Conflict(_("The lead applicant stays on the team."))
    application.members.remove(member)
    record(actor, "application.member_removed", application, {"member": [member.email, None]})
