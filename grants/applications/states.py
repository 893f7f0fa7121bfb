"""The application lifecycle as one explicit table of allowed moves."""

from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grants.errors import TransitionError


class ApplicationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    AWARDED = "awarded"
    REJECTED = "rejected"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The state as a tag shows it, in the reader's language: "Under review"."""
        return str(STATE_LABELS[self])


STATE_LABELS = {
    ApplicationState.DRAFT: _l("Draft"),
    ApplicationState.SUBMITTED: _l("Submitted"),
    ApplicationState.UNDER_REVIEW: _l("Under review"),
    ApplicationState.AWARDED: _l("Awarded"),
    ApplicationState.REJECTED: _l("Not funded"),
    ApplicationState.WAITLISTED: _l("Reserve list"),
    ApplicationState.WITHDRAWN: _l("Withdrawn"),
}

_DECIDED = frozenset({ApplicationState.AWARDED, ApplicationState.REJECTED, ApplicationState.WAITLISTED})

APPLICATION_TRANSITIONS: dict[ApplicationState, frozenset[ApplicationState]] = {
    ApplicationState.DRAFT: frozenset({ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN}),
    # Back to draft is an officer reopening a submission for correction.
    ApplicationState.SUBMITTED: frozenset(
        {ApplicationState.DRAFT, ApplicationState.UNDER_REVIEW, ApplicationState.WITHDRAWN}
    ),
    ApplicationState.UNDER_REVIEW: _DECIDED | {ApplicationState.WITHDRAWN},
    ApplicationState.WAITLISTED: frozenset({ApplicationState.AWARDED, ApplicationState.REJECTED}),
    ApplicationState.AWARDED: frozenset(),
    ApplicationState.REJECTED: frozenset(),
    ApplicationState.WITHDRAWN: frozenset(),
}


def check_application_transition(current: str, target: ApplicationState) -> None:
    if target not in APPLICATION_TRANSITIONS[ApplicationState(current)]:
        raise TransitionError(
            current,
            target.value,
            _(
                "An application that is %(current)s cannot be %(target)s.",
                current=ApplicationState(current).label.lower(),
                target=ApplicationState(target).label.lower(),
            ),
        )
