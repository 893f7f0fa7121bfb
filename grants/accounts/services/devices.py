"""The sessions a person can see and end: every browser signed in to their account."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from grants.accounts.models import AuthSession, User
from grants.accounts.services.common import token_digest
from grants.accounts.services.sessions import end_other_sessions, session_ends_at
from grants.accounts.services.user_agents import describe_user_agent
from grants.audit.services import record
from grants.errors import NotFound
from grants.extensions import db


@dataclass(frozen=True)
class LiveSession:
    """One signed-in browser as its owner sees it."""

    id: int
    device: str
    ip_address: str | None
    started_at: datetime
    last_active_at: datetime
    is_current: bool


def _live_rows(user: User, now: datetime) -> list[AuthSession]:
    rows = db.session.scalars(
        select(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.ended_at.is_(None), AuthSession.expires_at > now)
        .order_by(AuthSession.last_seen_at.desc(), AuthSession.id.desc())
    )
    # The idle time-out depends on the person's roles, so it is applied here rather than in SQL.
    return [row for row in rows if now < session_ends_at(row)]


def live_sessions(user: User, current_token: str | None, now: datetime) -> list[LiveSession]:
    """``user``'s sessions that still work, the most recently used first; ``current_token``'s is
    marked as this browser."""
    current_hash = token_digest(current_token) if current_token else None
    return [
        LiveSession(
            id=row.id,
            device=describe_user_agent(row.user_agent),
            ip_address=row.ip_address,
            started_at=row.created_at,
            last_active_at=row.last_seen_at,
            is_current=row.token_hash == current_hash,
        )
        for row in _live_rows(user, now)
    ]


def end_one_session(user: User, session_id: int, current_token: str | None, now: datetime) -> None:
    """Sign out one of ``user``'s other browsers. Another person's session, an ended one and this
    browser's own are all ``NotFound``: the page never offers them, and the answer must not tell
    whether a session id exists."""
    row = db.session.get(AuthSession, session_id)
    if row is None or row.user_id != user.id or row.ended_at is not None:
        raise NotFound("session")
    if current_token and row.token_hash == token_digest(current_token):
        raise NotFound("session")
    row.ended_at = now
    record(user, "account.session_ended", user, {"session": [row.id, "ended"]})


def end_all_other_sessions(user: User, current_token: str | None) -> int:
    """Sign out every browser but this one; returns how many were signed out."""
    ended = end_other_sessions(user, keep_token=current_token)
    record(user, "account.other_sessions_ended", user, {"sessions": [ended, 0]})
    return ended


def end_every_session(admin: User, target: User) -> int:
    """An administrator signs ``target`` out everywhere (a lost laptop, a departed colleague)."""
    ended = end_other_sessions(target)
    record(admin, "account.sessions_ended_by_admin", target, {"sessions": [ended, 0]})
    return ended
