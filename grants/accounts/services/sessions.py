"""Signing in and out: checking credentials and keeping one row per signed-in browser."""

import logging
import secrets
from datetime import datetime, timedelta
from enum import Enum

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import joinedload

from grants.accounts.models import AuthSession, User
from grants.accounts.roles import Role
from grants.accounts.services.common import find_user_by_email, token_digest
from grants.audit.services import record
from grants.errors import DomainError
from grants.extensions import db
from grants.security.passwords import hash_password, needs_rehash, verify_password
from grants.timeutil import utcnow

log = logging.getLogger("grants.access")
# last_seen_at is refreshed at most this often, so reading pages does not write on every request.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


class Activity(Enum):
    """What a request does to its session's idle clock (``last_seen_at``)."""

    VIEW = "view"  # reading a page: recorded at most every LAST_SEEN_RESOLUTION
    WRITE = "write"  # a save or any other change: always recorded, so saving a draft keeps one signed in
    NONE = "none"  # a page asking how long it has left: not the person's activity


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
        reauthenticated_at=now,  # signing in is the freshest proof of identity
    )
    db.session.add(row)
    record(user, "account.signed_in", user, {"session": [None, "started"]})
    user.current_session_token = token
    return token


def user_for_session(token: str, activity: Activity = Activity.VIEW) -> User | None:
    """The user of a live session token, or None if it ended, expired, sat idle too long or never
    existed. ``activity`` says whether this request moves the idle clock on."""
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
    if row is None or not row.user.is_active or now >= session_ends_at(row):
        return None
    idle = idle_timeout(row.user)
    # A view refreshes often enough that at least three quarters of the idle time remain after it,
    # also when a test or an operator makes the time-out shorter than the resolution.
    if activity is Activity.WRITE or (
        activity is Activity.VIEW and now - row.last_seen_at >= min(LAST_SEEN_RESOLUTION, idle / 4)
    ):
        row.last_seen_at = now
    user = row.user
    user.current_session_token = token
    user.current_session_ends_at = session_ends_at(row)
    return user


def idle_timeout(user: User) -> timedelta:
    """How long ``user``'s sessions may sit unused: shorter for staff, who see everyone's data."""
    config = current_app.config
    if user.has_role(Role.OFFICER) or user.has_role(Role.ADMIN):
        return config["AUTH_SESSION_IDLE_TIMEOUT_STAFF"]
    return config["AUTH_SESSION_IDLE_TIMEOUT"]


def session_ends_at(row: AuthSession) -> datetime:
    """When ``row`` ends unless it is used again: idle or absolute time-out, whichever comes first."""
    return min(row.last_seen_at + idle_timeout(row.user), row.expires_at)


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
