"""The state machines of a grant after review: a decision, an award, a report and a payment."""

from enum import StrEnum

from grants.errors import TransitionError


class Outcome(StrEnum):
    AWARD = "award"
    REJECT = "reject"
    WAITLIST = "waitlist"

    @property
    def label(self) -> str:
        return {Outcome.AWARD: "Award", Outcome.REJECT: "Reject", Outcome.WAITLIST: "Reserve list"}[self]


class DecisionState(StrEnum):
    """A decision is drafted and changed freely, then released with the rest of the call."""

    DRAFT = "draft"
    RELEASED = "released"


class AwardState(StrEnum):
    OFFERED = "offered"
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"
    # The offer was taken back (usually because it was not accepted in time).
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            AwardState.OFFERED: "Offered",
            AwardState.ACTIVE: "Active",
            AwardState.COMPLETED: "Completed",
            AwardState.TERMINATED: "Terminated",
            AwardState.WITHDRAWN: "Offer withdrawn",
        }[self]


AWARD_TRANSITIONS: dict[AwardState, frozenset[AwardState]] = {
    AwardState.OFFERED: frozenset({AwardState.ACTIVE, AwardState.WITHDRAWN}),
    AwardState.ACTIVE: frozenset({AwardState.COMPLETED, AwardState.TERMINATED}),
    AwardState.COMPLETED: frozenset(),
    AwardState.TERMINATED: frozenset(),
    AwardState.WITHDRAWN: frozenset(),
}


def check_award_transition(current: str, target: AwardState) -> None:
    _check(AWARD_TRANSITIONS, AwardState(current), target, "An award")


class ReportState(StrEnum):
    DUE = "due"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"
    # No longer needed: the award was terminated before its period.
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            ReportState.DUE: "Not submitted",
            ReportState.SUBMITTED: "Awaiting review",
            ReportState.CHANGES_REQUESTED: "Changes requested",
            ReportState.ACCEPTED: "Accepted",
            ReportState.CANCELLED: "Not needed",
        }[self]


REPORT_TRANSITIONS: dict[ReportState, frozenset[ReportState]] = {
    ReportState.DUE: frozenset({ReportState.SUBMITTED, ReportState.CANCELLED}),
    ReportState.SUBMITTED: frozenset({ReportState.ACCEPTED, ReportState.CHANGES_REQUESTED}),
    ReportState.CHANGES_REQUESTED: frozenset({ReportState.SUBMITTED, ReportState.CANCELLED}),
    ReportState.ACCEPTED: frozenset(),
    ReportState.CANCELLED: frozenset(),
}

# Reports not yet accepted: once their due date has passed, they hold the award's payments.
OPEN_REPORT_STATES = frozenset({ReportState.DUE, ReportState.SUBMITTED, ReportState.CHANGES_REQUESTED})
# Reports the team still has to send: past their due date, the team is late.
LATE_REPORT_STATES = frozenset({ReportState.DUE, ReportState.CHANGES_REQUESTED})


def check_report_transition(current: str, target: ReportState) -> None:
    _check(REPORT_TRANSITIONS, ReportState(current), target, "A report")


def _check(table: dict, current, target, subject: str) -> None:
    """Raise ``TransitionError`` unless ``table`` allows ``current -> target``."""
    if target not in table[current]:
        raise TransitionError(
            current.value,
            target.value,
            f"{subject} that is {current.label.lower()} cannot become {target.label.lower()}.",
        )


class PaymentState(StrEnum):
    SCHEDULED = "scheduled"
    RELEASED = "released"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            PaymentState.SCHEDULED: "Scheduled",
            PaymentState.RELEASED: "Paid",
            PaymentState.CANCELLED: "Cancelled",
        }[self]


# Payments that still count against the funder's envelope.
COMMITTED_PAYMENT_STATES = frozenset({PaymentState.SCHEDULED, PaymentState.RELEASED})
