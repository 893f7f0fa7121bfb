"""Changing and resetting passwords. Either ends the account's other sessions."""

import hashlib

from flask import current_app
from flask_babel import gettext as _

from grants.accounts.models import User
from grants.accounts.services.common import find_user_by_email, token_digest
from grants.accounts.services.sessions import end_other_sessions
from grants.audit.services import record
from grants.errors import InvalidToken, ValidationError
from grants.extensions import db
from grants.links import external_url
from grants.notifications.services import queue_email
from grants.security.passwords import hash_password, password_problem, verify_password
from grants.security.tokens import sign, unsign
from grants.timeutil import utcnow

RESET_PURPOSE = "password-reset"


def _hash_fingerprint(user: User) -> str:
    """Part of the reset token: once the password changes, every earlier link stops working."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(email: str) -> None:
    """Email a reset link if an active account has this address; silent otherwise (no
    confirmation of which addresses have accounts)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = sign(RESET_PURPOSE, {"user": user.id, "fp": _hash_fingerprint(user)})
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    queue_email(
        template="password_reset",
        key=f"password_reset:{user.id}:{token_digest(token)[:24]}",
        recipient_email=user.email,
        recipient=user,
        context={
            "name": user.full_name,
            "link": external_url("accounts.reset_password", token=token),
            "valid_for_minutes": int(max_age.total_seconds() // 60),
        },
    )


def user_for_reset_token(token: str) -> User:
    payload = unsign(RESET_PURPOSE, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, payload.get("user"))
    if user is None or payload.get("fp") != _hash_fingerprint(user):
        raise InvalidToken(_("This link has already been used. Ask for a new one if you need it."))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link works once and every session ends."""
    user = user_for_reset_token(token)
    _set_password(user, new_password)
    if not user.is_verified:
        user.email_verified_at = utcnow()  # the link reached the inbox, which proves the address
    end_other_sessions(user)
    record(user, "account.password_reset", user, {"password": ["(hidden)", "(changed)"]})
    _notify_password_changed(user)
    return user


def change_password(user: User, current_password: str, new_password: str, keep_token: str | None) -> int:
    """Change a signed-in user's password; ends their other sessions and returns how many."""
    if not verify_password(user.password_hash, current_password):
        raise ValidationError(_("Your current password is incorrect."), field="current_password")
    if current_password == new_password:
        raise ValidationError(_("Choose a password different from your current one."), field="new_password")
    _set_password(user, new_password, field="new_password")
    ended = end_other_sessions(user, keep_token=keep_token)
    record(user, "account.password_changed", user, {"password": ["(hidden)", "(changed)"]})
    _notify_password_changed(user)
    return ended


def _set_password(user: User, new_password: str, field: str = "password") -> None:
    problem = password_problem(new_password, email=user.email, name=user.full_name)
    if problem:
        raise ValidationError(problem, field=field)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()


def _notify_password_changed(user: User) -> None:
    queue_email(
        template="password_changed",
        key=f"password_changed:{user.id}:{user.password_changed_at.isoformat()}",
        recipient_email=user.email,
        recipient=user,
        context={"name": user.full_name, "link": external_url("accounts.forgot_password")},
    )
