"""The application lifecycle as one explicit table of allowed moves."""

from enum import StrEnum

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
        return STATE_LABELS[self]


STATE_LABELS = {
    ApplicationState.DRAFT: "Draft",
    ApplicationState.SUBMITTED: "Submitted",
    ApplicationState.UNDER_REVIEW: "Under review",
    ApplicationState.AWARDED: "Awarded",
    ApplicationState.REJECTED: "Not funded",
    ApplicationState.WAITLISTED: "Reserve list",
    ApplicationState.WITHDRAWN: "Withdrawn",
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
            f"An application that is {ApplicationState(current).label.lower()} cannot be "
            f"{ApplicationState(target).label.lower()}.",
        )
