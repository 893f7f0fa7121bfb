"""Every model, imported once so the metadata (and Alembic) sees all tables."""

from grants.accounts.models import AuthSession, Institution, RoleInvitation, User, UserRole
from grants.audit.models import AuditEvent
from grants.notifications.models import OutboxMessage

__all__ = [
    "AuditEvent",
    "AuthSession",
    "Institution",
    "OutboxMessage",
    "RoleInvitation",
    "User",
    "UserRole",
]
