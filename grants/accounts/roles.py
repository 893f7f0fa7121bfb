"""The roles a person can hold. Everyone is a researcher; the others are granted."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    RESEARCHER = "researcher"
    REVIEWER = "reviewer"
    OFFICER = "officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.RESEARCHER: _l("Researcher"),
    Role.REVIEWER: _l("Reviewer"),
    Role.OFFICER: _l("Programme officer"),
    Role.ADMIN: _l("Administrator"),
}

# Roles stored as rows; researcher is implied for every account and never stored.
GRANTABLE_ROLES = (Role.REVIEWER, Role.OFFICER, Role.ADMIN)
# Roles that an officer may invite people into by email.
INVITABLE_ROLES = (Role.REVIEWER,)
