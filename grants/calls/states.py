"""The call lifecycle as one explicit table of allowed moves."""

from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grants.errors import TransitionError


class CallState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    REVIEWING = "reviewing"
    DECIDED = "decided"

    @property
    def label(self) -> str:
        """The state as a tag shows it: "Open"."""
        return str(STATE_LABELS[self])

    @property
    def word(self) -> str:
        """The state inside a sentence: "This call is open"."""
        return str(STATE_WORDS[self])


STATE_LABELS = {
    CallState.DRAFT: _l("Draft"),
    CallState.OPEN: _l("Open"),
    CallState.CLOSED: _l("Closed"),
    CallState.REVIEWING: _l("Reviewing"),
    CallState.DECIDED: _l("Decided"),
}
STATE_WORDS = {
    CallState.DRAFT: _l("draft"),
    CallState.OPEN: _l("open"),
    CallState.CLOSED: _l("closed"),
    CallState.REVIEWING: _l("reviewing"),
    CallState.DECIDED: _l("decided"),
}

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
        raise TransitionError(
            current,
            target.value,
            _(
                "A %(current)s call cannot become %(target)s.",
                current=CallState(current).word,
                target=target.word,
            ),
        )
