"""The call lifecycle as one explicit table of allowed moves."""

from enum import StrEnum

from grants.errors import TransitionError


class CallState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    REVIEWING = "reviewing"
    DECIDED = "decided"

    @property
    def label(self) -> str:
        return self.value.capitalize()


CALL_TRANSITIONS: dict[CallState, frozenset[CallState]] = {
    CallState.DRAFT: frozenset({CallState.OPEN}),
    CallState.OPEN: frozenset({CallState.CLOSED}),
    CallState.CLOSED: frozenset({CallState.REVIEWING}),
    CallState.REVIEWING: frozenset({CallState.DECIDED}),
    CallState.DECIDED: frozenset(),
}


def check_call_transition(current: str, target: CallState) -> None:
    """Raise ``TransitionError`` unless the table allows ``current -> target``."""
    if target not in CALL_TRANSITIONS[CallState(current)]:
        raise TransitionError(current, target.value, f"A {current} call cannot become {target.value}.")
