"""Accounts: people, their institutions, roles, signed-in sessions and role invitations."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.accounts.roles import Role
from grants.extensions import db
from grants.timeutil import UTCDateTime, utcnow


class Institution(db.Model):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    # Lower-case domain such as "ed.ac.uk"; emails at it or a subdomain belong here.
    email_domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Institution {self.name}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; the unique index is the last guard against duplicate accounts.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    country: Mapped[str | None] = mapped_column(String(2))
    orcid: Mapped[str | None] = mapped_column(String(19), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    language: Mapped[str] = mapped_column(String(8), default="en")
    # Optional emails each person may turn off; receipts, decisions and resets always go.
    email_reminders: Mapped[bool] = mapped_column(default=True, server_default=true())
    email_digests: Mapped[bool] = mapped_column(default=True, server_default=true())
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Two-factor authentication: the TOTP secret (sealed, see grants.security.totp), when it was
    # turned on, and the last time step accepted, so a code cannot be replayed within its window.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Set when the person's personal data was erased (GDPR); the row stays for the audit trail.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    institution: Mapped[Institution | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="UserRole.user_id",
    )

    # The signed-in session this object was loaded for (set by the user loader).
    current_session_token = None
    # When that session ends if nothing more happens (idle or absolute time-out, whichever first).
    current_session_ends_at = None

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset({Role.RESEARCHER, *(Role(row.role) for row in self.role_rows)})

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def get_id(self) -> str | None:
        """Flask-Login keeps this in the cookie: the session token, never the user id."""
        return self.current_session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_user_roles_user_id_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_rows", foreign_keys=[user_id])


class AuthSession(db.Model):
    """One signed-in browser. The cookie carries a random token; only its hash is stored, so
    sign-out, a password change or an admin can end a session for real."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str | None] = mapped_column(String(300))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    # When the person last proved who they are in this browser (password, and code if they use
    # two-factor): sign-in, or re-authentication before changing their email or password.
    reauthenticated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app; only its digest is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RoleInvitation(db.Model):
    """An invitation, by email, into an invite-only role such as reviewer."""

    __tablename__ = "role_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    message: Mapped[str | None] = mapped_column(String(2000))
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])
