"""Invite-only roles: an officer invites a person by email; the link grants the role once."""

import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import RoleInvitation, User
from grants.accounts.roles import Role
from grants.accounts.services.common import find_user_by_email, normalise_email, token_digest
from grants.accounts.services.roles import grant_role
from grants.audit.services import record
from grants.errors import Conflict, InvalidToken, PermissionDenied, ValidationError
from grants.extensions import db
from grants.i18n import reader_day
from grants.links import external_url
from grants.notifications.services import queue_email
from grants.security.predicates import can_invite
from grants.timeutil import utcnow


def invite_to_role(actor: User, *, email: str, role: Role, message: str = "") -> RoleInvitation:
    """Record an invitation and queue its email. Refused if the person already holds the role
    or has a live invitation."""
    if not can_invite(actor, role):
        raise PermissionDenied(_("You cannot invite people into this role."))
    email = normalise_email(email)
    message = (message or "").strip()
    if len(message) > 2000:
        raise ValidationError(_("Keep the message under 2,000 characters."), field="message")
    existing_user = find_user_by_email(email)
    if existing_user is not None and existing_user.has_role(role):
        raise Conflict(
            _("%(name)s is already a %(role)s.", name=existing_user.full_name, role=role.label.lower()),
            field="email",
        )
    now = utcnow()
    live = db.session.scalar(
        select(RoleInvitation).where(
            RoleInvitation.email == email,
            RoleInvitation.role == role.value,
            RoleInvitation.accepted_at.is_(None),
            RoleInvitation.expires_at > now,
        )
    )
    if live is not None:
        raise Conflict(
            _(
                "%(email)s was already invited on %(day)s; that invitation is still open.",
                email=email,
                day=reader_day(live.created_at),
            ),
            field="email",
        )
    token = secrets.token_urlsafe(32)
    invitation = RoleInvitation(
        email=email,
        role=role.value,
        token_hash=token_digest(token),
        message=message or None,
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + current_app.config["ROLE_INVITATION_MAX_AGE"],
    )
    db.session.add(invitation)
    record(actor, "invitation.sent", invitation, {"email": [None, email], "role": [None, role.value]})
    queue_email(
        template="role_invitation",
        key=f"role_invitation:{token_digest(token)[:32]}",
        recipient_email=email,
        recipient=existing_user,
        context={
            "inviter": actor.full_name,
            "role": role.value,
            "message": message,
            "link": external_url("accounts.invitation", token=token),
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation



def find_live_invitation(token: str) -> RoleInvitation:
    invitation = db.session.scalar(
        select(RoleInvitation).where(RoleInvitation.token_hash == token_digest(token))
    )
    if invitation is None:
        raise InvalidToken(_("This invitation link is not valid. Check that you copied all of it."))
    if invitation.accepted_at is not None:
        raise InvalidToken(_("This invitation has already been accepted."))
    if invitation.expires_at <= utcnow():
        raise InvalidToken(_("This invitation has expired. Ask the programme officer for a new one."))
    return invitation


def accept_invitation(user: User, token: str) -> RoleInvitation:
    """Give ``user`` the invited role; the link cannot be used again."""
    invitation = find_live_invitation(token)
    role = Role(invitation.role)
    if not user.has_role(role):
        grant_role(invitation.invited_by, user, role, via_invitation=True)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    record(user, "invitation.accepted", invitation, {"accepted_by": [None, user.id]})
    return invitation


def recent_invitations(limit: int = 50) -> list[RoleInvitation]:
    return list(
        db.session.scalars(select(RoleInvitation).order_by(RoleInvitation.created_at.desc()).limit(limit))
    )
