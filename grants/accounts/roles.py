"""The roles a person can hold. Everyone is a researcher; the others are granted."""

from enum import StrEnum


class Role(StrEnum):
    RESEARCHER = "researcher"
    REVIEWER = "reviewer"
    OFFICER = "officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.RESEARCHER: "Researcher",
    Role.REVIEWER: "Reviewer",
    Role.OFFICER: "Programme officer",
    Role.ADMIN: "Administrator",
}

# Roles stored as rows; researcher is implied for every account and never stored.
GRANTABLE_ROLES = (Role.REVIEWER, Role.OFFICER, Role.ADMIN)
# Roles that an officer may invite people into by email.
INVITABLE_ROLES = (Role.REVIEWER,)
