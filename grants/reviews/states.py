"""The two small state machines of reviewing: an invitation to review, and the review itself."""

from enum import StrEnum

from grants.errors import TransitionError


class AssignmentState(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    # Taken off by an officer, or by the reviewer declaring a conflict.
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            AssignmentState.INVITED: "Invited",
            AssignmentState.ACCEPTED: "Accepted",
            AssignmentState.DECLINED: "Declined",
            AssignmentState.CANCELLED: "Cancelled",
        }[self]


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
        return {ReviewState.DRAFT: "Draft", ReviewState.SUBMITTED: "Submitted"}[self]


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
            f"This invitation is {AssignmentState(current).label.lower()} and cannot become "
            f"{target.label.lower()}.",
        )


def check_review_transition(current: str, target: ReviewState) -> None:
    if target not in REVIEW_TRANSITIONS[ReviewState(current)]:
        raise TransitionError(
            current, target.value, f"This review is already {ReviewState(current).label.lower()}."
        )


class Recommendation(StrEnum):
    FUND = "fund"
    FUND_WITH_CHANGES = "fund_with_changes"
    DO_NOT_FUND = "do_not_fund"

    @property
    def label(self) -> str:
        return {
            Recommendation.FUND: "Fund",
            Recommendation.FUND_WITH_CHANGES: "Fund with changes",
            Recommendation.DO_NOT_FUND: "Do not fund",
        }[self]


class ConflictSource(StrEnum):
    DETECTED = "detected"
    DECLARED = "declared"
    OFFICER = "officer"

    @property
    def label(self) -> str:
        return {
            ConflictSource.DETECTED: "Found automatically",
            ConflictSource.DECLARED: "Declared by the reviewer",
            ConflictSource.OFFICER: "Set by an officer",
        }[self]
