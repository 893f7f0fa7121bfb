"""Why a backup could not be taken, verified or restored."""

from grants.errors import DomainError


class BackupError(DomainError):
    """A refusal with a message for the operator; nothing was written when it is raised."""
