"""Re-authentication: before changing what protects an account (email, password, two-factor),
the person proves again, in this browser, that they are who the session says.

The proof is remembered on the session row (``AuthSession.reauthenticated_at``), set at sign-in and
by ``confirm_identity``; it counts for ``REAUTHENTICATION_WINDOW``.
"""

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import AuthSession, User
from grants.accounts.services import two_factor
from grants.accounts.services.common import token_digest
from grants.audit.services import record
from grants.errors import ValidationError
from grants.extensions import db
from grants.security.passwords import verify_password


def _session_row(token: str | None) -> AuthSession | None:
    if not token:
        return None
    return db.session.scalar(select(AuthSession).where(AuthSession.token_hash == token_digest(token)))


def is_recently_authenticated(user: User, token: str | None, now: datetime) -> bool:
    """Whether this session's last proof of identity is within the re-authentication window."""
    row = _session_row(token)
    if row is None or row.user_id != user.id or row.reauthenticated_at is None:
        return False
    return now - row.reauthenticated_at <= current_app.config["REAUTHENTICATION_WINDOW"]


def confirm_identity(user: User, token: str | None, password: str, code: str | None, now: datetime) -> None:
    """Check the password and, when two-factor is on, a code; then mark this session as freshly
    authenticated. Raises ``ValidationError`` on the field that is wrong."""
    if not verify_password(user.password_hash, password or ""):
        raise ValidationError(_("Your password is incorrect."), field="password")
    if two_factor.is_enabled(user) and not two_factor.verify_second_factor(user, code or "", now):
        raise ValidationError(_("That code is not right, or it was already used."), field="code")
    row = _session_row(token)
    if row is None or row.user_id != user.id:
        raise ValidationError(_("Your session has ended. Sign in again."))
    row.reauthenticated_at = now
    record(user, "account.reauthenticated", user)
