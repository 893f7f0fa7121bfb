"""Signing in and out: checking credentials and keeping one row per signed-in browser."""

import logging
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import joinedload

from grants.accounts.models import AuthSession, User
from grants.accounts.services.common import find_user_by_email, token_digest
from grants.audit.services import record
from grants.errors import DomainError
from grants.extensions import db
from grants.security.passwords import hash_password, needs_rehash, verify_password
from grants.timeutil import utcnow

log = logging.getLogger("grants.access")
# last_seen_at is refreshed at most this often, so reading pages does not write on every request.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


class SignInRefused(DomainError):
    status = 401


class EmailNotVerified(SignInRefused):
    status = 403


WRONG_CREDENTIALS = _l("The email address or password is incorrect.")


def authenticate(email: str, password: str) -> User:
    """The account these credentials open, or ``SignInRefused`` with a message for the person.

    An unknown address costs the same hashing time as a wrong password, so timing does not
    reveal which addresses have accounts.
    """
    user = find_user_by_email(email)
    if user is None:
        verify_password(_dummy_hash(), password)
        log.info("sign-in failed: unknown address")
        raise SignInRefused(str(WRONG_CREDENTIALS))
    if not verify_password(user.password_hash, password):
        log.info("sign-in failed: wrong password for user %s", user.id)
        raise SignInRefused(str(WRONG_CREDENTIALS))
    if not user.is_active:
        raise SignInRefused(_("This account has been disabled. Contact the programme team."))
    if not user.is_verified:
        raise EmailNotVerified(
            _("Confirm your email address first: follow the link we sent you, or ask for a new one.")
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


_DUMMY_HASH: dict[tuple, str] = {}


def _dummy_hash() -> str:
    config = current_app.config
    params = (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"])
    if params not in _DUMMY_HASH:
        _DUMMY_HASH[params] = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH[params]


def start_session(user: User, *, user_agent: str | None = None, ip_address: str | None = None) -> str:
    """Open a session row for ``user`` and return the bearer token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = AuthSession(
        user_id=user.id,
        token_hash=token_digest(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + current_app.config["AUTH_SESSION_LIFETIME"],
        user_agent=(user_agent or "")[:300] or None,
        ip_address=ip_address,
    )
    db.session.add(row)
    record(user, "account.signed_in", user, {"session": [None, "started"]})
    user.current_session_token = token
    return token


def user_for_session(token: str) -> User | None:
    """The user of a live session token, or None if it ended, expired or never existed."""
    now = utcnow()
    row = (
        db.session.execute(
            select(AuthSession)
            .where(
                AuthSession.token_hash == token_digest(token),
                AuthSession.ended_at.is_(None),
                AuthSession.expires_at > now,
            )
            # Every signed-in request asks for the user and their roles: one statement, not three.
            .options(joinedload(AuthSession.user).joinedload(User.role_rows))
        )
        .unique()
        .scalar_one_or_none()
    )
    if row is None or not row.user.is_active:
        return None
    if now - row.last_seen_at > LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
    user = row.user
    user.current_session_token = token
    return user


def end_session(user: User, token: str | None) -> None:
    """Sign out this browser: its token stops working even if the cookie was copied."""
    if token:
        db.session.execute(
            update(AuthSession)
            .where(AuthSession.token_hash == token_digest(token), AuthSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
    record(user, "account.signed_out", user)


def end_other_sessions(user: User, keep_token: str | None = None) -> int:
    """End every live session of ``user`` except ``keep_token``'s; returns how many ended."""
    statement = update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.ended_at.is_(None))
    if keep_token:
        statement = statement.where(AuthSession.token_hash != token_digest(keep_token))
    result = db.session.execute(statement.values(ended_at=utcnow()))
    return result.rowcount or 0


def purge_old_sessions(keep_for: timedelta = timedelta(days=30)) -> int:
    """Delete session rows that ended or expired more than ``keep_for`` ago (periodic task)."""
    cutoff = utcnow() - keep_for
    result = db.session.execute(
        delete(AuthSession).where(or_(AuthSession.ended_at < cutoff, AuthSession.expires_at < cutoff))
    )
    return result.rowcount or 0
