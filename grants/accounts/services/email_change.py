"""Changing one's email address: a link to the new address proves it, a notice to the old one
warns the owner if someone else is trying.

The link works once: it carries a digest of the address it changes from, so after the change (or
after any other change of address) every earlier link stops working. Several links for different
addresses may be out at once; the first one followed wins. Only the signed-in owner can follow it:
were anyone holding the link enough, a mistyped address would hand its owner the account (they
could then reset the password).
"""

import hashlib
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from grants.accounts.models import User
from grants.accounts.services.common import find_user_by_email, normalise_email, token_digest
from grants.accounts.services.sessions import end_other_sessions
from grants.audit.services import record
from grants.database import lock_and_reload
from grants.errors import Conflict, InvalidToken, ValidationError
from grants.extensions import db
from grants.links import external_url
from grants.notifications.services import queue_email
from grants.security.tokens import sign, unsign

PURPOSE = "email-change"


def _address_fingerprint(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:16]


def mask_email(email: str) -> str:
    """ "n***@example.org": enough for the owner to recognise, little for anyone else."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def request_email_change(user: User, new_email: str) -> str:
    """Send the confirmation link to ``new_email`` and a notice to the current address; returns
    the normalised new address. Nothing about the account changes yet."""
    new_email = normalise_email(new_email, field="new_email")
    if new_email == user.email.lower():
        raise ValidationError(_("That is already your email address."), field="new_email")
    # Registration tells anyone that an address has an account; this says no more than that.
    if find_user_by_email(new_email) is not None:
        raise Conflict(_("Another account already uses this email address."), field="new_email")
    token = sign(PURPOSE, {"user": user.id, "email": new_email, "from": _address_fingerprint(user.email)})
    hours = int(current_app.config["EMAIL_CHANGE_MAX_AGE"].total_seconds() // 3600)
    key = token_digest(token)[:24]
    queue_email(
        template="email_change_confirm",
        key=f"email_change_confirm:{user.id}:{key}",
        recipient_email=new_email,
        recipient=user,
        context={
            "name": user.full_name,
            "link": external_url("accounts.confirm_email_change", token=token),
            "valid_for_hours": hours,
        },
    )
    queue_email(
        template="email_change_notice",
        key=f"email_change_notice:{user.id}:{key}",
        recipient_email=user.email,
        recipient=user,
        context={
            "name": user.full_name,
            "masked": mask_email(new_email),
            "link": external_url("accounts.forgot_password"),
        },
    )
    record(user, "account.email_change_requested", user, {"email": [user.email, mask_email(new_email)]})
    return new_email


def pending_change(user: User, token: str) -> str:
    """The new address a link would set for ``user``; ``InvalidToken`` if it is not theirs, used
    or expired."""
    payload = unsign(PURPOSE, token, current_app.config["EMAIL_CHANGE_MAX_AGE"])
    if payload.get("user") != user.id:
        raise InvalidToken(_("This link belongs to another account. Sign in as its owner to use it."))
    if payload.get("from") != _address_fingerprint(user.email):
        raise InvalidToken(_("This link has already been used. Ask for a new one if you need it."))
    return payload["email"]


def confirm_email_change(user: User, token: str, keep_token: str | None, now: datetime) -> int:
    """Move ``user`` to the address the link proves; their other sessions end. Returns how many.

    The user row is locked and reloaded first: of two links followed at once, the second waits,
    then sees the address the first set and is refused as used."""
    lock_and_reload(user)
    new_email = pending_change(user, token)
    if find_user_by_email(new_email) is not None:
        raise Conflict(_("Another account already uses this email address."))
    old_email = user.email
    try:
        with db.session.begin_nested():
            user.email = new_email
            user.email_verified_at = now  # the link reached the inbox, which proves the address
    except IntegrityError:
        raise Conflict(_("Another account already uses this email address.")) from None
    ended = end_other_sessions(user, keep_token=keep_token)
    record(user, "account.email_changed", user, {"email": [old_email, new_email]})
    return ended
