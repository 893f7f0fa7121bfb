"""The domain error hierarchy. Services raise these; views turn them into messages and codes."""

from flask_babel import gettext as _


class DomainError(Exception):
    """A request that the rules refuse. ``status`` is the HTTP code a view should answer with."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    """Input that breaks a rule; ``field`` names the form field it belongs to, if any."""

    status = 422


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate, a stale edit)."""

    status = 409


class TransitionError(Conflict):
    """A state machine refused to move from ``from_state`` to ``to_state``."""

    def __init__(self, from_state: str, to_state: str, message: str | None = None):
        super().__init__(
            message
            or _("Cannot move from %(from_state)s to %(to_state)s.", from_state=from_state, to_state=to_state)
        )
        self.from_state = from_state
        self.to_state = to_state


class InvalidToken(DomainError):
    """A signed link that is malformed, tampered with, expired or already used."""

    status = 400


class Unavailable(DomainError):
    """Something the request needs (the upload disk, say) failed on our side; nothing was
    changed and the same request may simply be sent again later."""

    status = 503
