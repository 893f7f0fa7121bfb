"""Every model, imported once so the metadata (and Alembic) sees all tables."""

from grants.accounts.models import AuthSession, Institution, RoleInvitation, User, UserRole
from grants.applications.models import (
    Answer,
    Application,
    Attachment,
    BudgetLine,
    Declaration,
    SideConfirmation,
    TeamMember,
)
from grants.audit.models import AuditEvent
from grants.calls.models import (
    Call,
    CallFunder,
    CallPriorityArea,
    Funder,
    Programme,
    Question,
    QuestionSet,
    RubricCriterion,
)
from grants.notifications.models import OutboxMessage

__all__ = [
    "Answer",
    "Application",
    "Attachment",
    "AuditEvent",
    "AuthSession",
    "BudgetLine",
    "Call",
    "CallFunder",
    "CallPriorityArea",
    "Declaration",
    "Funder",
    "Institution",
    "OutboxMessage",
    "Programme",
    "Question",
    "QuestionSet",
    "RoleInvitation",
    "RubricCriterion",
    "SideConfirmation",
    "TeamMember",
    "User",
    "UserRole",
]
