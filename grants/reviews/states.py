"""The two small state machines of reviewing: an invitation to review, and the review itself."""

from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grants.errors import TransitionError


class AssignmentState(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    # Taken off by an officer, or by the reviewer declaring a conflict.
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """The state as a tag shows it, in the reader's language."""
        return str(ASSIGNMENT_LABELS[self])


ASSIGNMENT_LABELS = {
    AssignmentState.INVITED: _l("Invited"),
    AssignmentState.ACCEPTED: _l("Accepted"),
    AssignmentState.DECLINED: _l("Declined"),
    AssignmentState.CANCELLED: _l("Cancelled"),
}


# Places that still count against a reviewer's load and an application's reviewer count.
ACTIVE_ASSIGNMENT_STATES = frozenset({AssignmentState.INVITED, AssignmentState.ACCEPTED})

ASSIGNMENT_TRANSITIONS: dict[AssignmentState, frozenset[AssignmentState]] = {
    AssignmentState.INVITED: frozenset(
        {AssignmentState.ACCEPTED, AssignmentState.DECLINED, AssignmentState.CANCELLED}
    ),
    AssignmentState.ACCEPTED: frozenset({AssignmentState.CANCELLED}),
    AssignmentState.DECLINED: frozenset(),
    AssignmentState.CANCELLED: frozenset(),
}


class ProposalState(StrEnum):
    """An automatic assignment waiting for the officer; confirmed or discarded, it is history."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISCARDED = "discarded"


class ReviewState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        """The state as a tag shows it, in the reader's language."""
        return str(REVIEW_LABELS[self])


REVIEW_LABELS = {ReviewState.DRAFT: _l("Draft"), ReviewState.SUBMITTED: _l("Submitted")}


# Submitted back to draft is an officer unlocking a review, with a reason.
REVIEW_TRANSITIONS: dict[ReviewState, frozenset[ReviewState]] = {
    ReviewState.DRAFT: frozenset({ReviewState.SUBMITTED}),
    ReviewState.SUBMITTED: frozenset({ReviewState.DRAFT}),
}


def check_assignment_transition(current: str, target: AssignmentState) -> None:
    if target not in ASSIGNMENT_TRANSITIONS[AssignmentState(current)]:
        raise TransitionError(
            current,
            target.value,
            _(
                "This invitation is %(current)s and cannot become %(target)s.",
                current=AssignmentState(current).label.lower(),
                target=target.label.lower(),
            ),
        )


def check_review_transition(current: str, target: ReviewState) -> None:
    if target not in REVIEW_TRANSITIONS[ReviewState(current)]:
        raise TransitionError(
            current,
            target.value,
            _("This review is already %(state)s.", state=ReviewState(current).label.lower()),
        )


class Recommendation(StrEnum):
    FUND = "fund"
    FUND_WITH_CHANGES = "fund_with_changes"
    DO_NOT_FUND = "do_not_fund"

    @property
    def label(self) -> str:
        """The recommendation as forms and pages show it, in the reader's language."""
        return str(RECOMMENDATION_LABELS[self])


RECOMMENDATION_LABELS = {
    Recommendation.FUND: _l("Fund"),
    Recommendation.FUND_WITH_CHANGES: _l("Fund with changes"),
    Recommendation.DO_NOT_FUND: _l("Do not fund"),
}


class ConflictSource(StrEnum):
    DETECTED = "detected"
    DECLARED = "declared"
    OFFICER = "officer"

    @property
    def label(self) -> str:
        """Where the conflict came from, in the reader's language."""
        return str(CONFLICT_SOURCE_LABELS[self])


CONFLICT_SOURCE_LABELS = {
    ConflictSource.DETECTED: _l("Found automatically"),
    ConflictSource.DECLARED: _l("Declared by the reviewer"),
    ConflictSource.OFFICER: _l("Set by an officer"),
}
