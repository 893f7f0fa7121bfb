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
from grants.reviews.models import (
    AssignmentProposal,
    Collaborator,
    ConflictOfInterest,
    CriterionScore,
    ProposedPair,
    Review,
    ReviewAssignment,
    ReviewBid,
    ReviewerArea,
    ReviewerProfile,
    UnavailablePeriod,
)

__all__ = [
    "Answer",
    "Application",
    "AssignmentProposal",
    "Attachment",
    "AuditEvent",
    "AuthSession",
    "BudgetLine",
    "Call",
    "CallFunder",
    "CallPriorityArea",
    "Collaborator",
    "ConflictOfInterest",
    "CriterionScore",
    "Declaration",
    "Funder",
    "Institution",
    "OutboxMessage",
    "Programme",
    "ProposedPair",
    "Question",
    "QuestionSet",
    "Review",
    "ReviewAssignment",
    "ReviewBid",
    "ReviewerArea",
    "ReviewerProfile",
    "RoleInvitation",
    "RubricCriterion",
    "SideConfirmation",
    "TeamMember",
    "UnavailablePeriod",
    "User",
    "UserRole",
]
