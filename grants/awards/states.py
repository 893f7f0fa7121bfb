"""The state machines of a grant after review: a decision, an award, a report and a payment."""

from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from grants.errors import TransitionError


def N_(text: str) -> str:
    """Mark ``text`` for extraction only. A state's ``label`` stays English (audit records and
    exports use it); ``local_label`` and ``lazy_label`` are the reader's language."""
    return text


class _Labelled:
    label: str

    @property
    def local_label(self) -> str:
        return _(self.label)

    @property
    def lazy_label(self):
        return lazy_gettext(self.label)


class Outcome(_Labelled, StrEnum):
    AWARD = "award"
    REJECT = "reject"
    WAITLIST = "waitlist"

    @property
    def label(self) -> str:
        return {
            Outcome.AWARD: N_("Award"),
            Outcome.REJECT: N_("Reject"),
            Outcome.WAITLIST: N_("Reserve list"),
        }[self]


class DecisionState(StrEnum):
    """A decision is drafted and changed freely, then released with the rest of the call."""

    DRAFT = "draft"
    RELEASED = "released"


class AwardState(_Labelled, StrEnum):
    OFFERED = "offered"
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"
    # The offer was taken back (usually because it was not accepted in time).
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            AwardState.OFFERED: N_("Offered"),
            AwardState.ACTIVE: N_("Active"),
            AwardState.COMPLETED: N_("Completed"),
            AwardState.TERMINATED: N_("Terminated"),
            AwardState.WITHDRAWN: N_("Offer withdrawn"),
        }[self]


AWARD_TRANSITIONS: dict[AwardState, frozenset[AwardState]] = {
    AwardState.OFFERED: frozenset({AwardState.ACTIVE, AwardState.WITHDRAWN}),
    AwardState.ACTIVE: frozenset({AwardState.COMPLETED, AwardState.TERMINATED}),
    AwardState.COMPLETED: frozenset(),
    AwardState.TERMINATED: frozenset(),
    AwardState.WITHDRAWN: frozenset(),
}


def check_award_transition(current: str, target: AwardState) -> None:
    current_state = AwardState(current)
    if target not in AWARD_TRANSITIONS[current_state]:
        raise TransitionError(
            current_state.value,
            target.value,
            _(
                "An award that is %(current)s cannot become %(target)s.",
                current=current_state.local_label.lower(),
                target=target.local_label.lower(),
            ),
        )


class ReportState(_Labelled, StrEnum):
    DUE = "due"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"
    # No longer needed: the award was terminated before its period.
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            ReportState.DUE: N_("Not submitted"),
            ReportState.SUBMITTED: N_("Awaiting review"),
            ReportState.CHANGES_REQUESTED: N_("Changes requested"),
            ReportState.ACCEPTED: N_("Accepted"),
            ReportState.CANCELLED: N_("Not needed"),
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
    current_state = ReportState(current)
    if target not in REPORT_TRANSITIONS[current_state]:
        raise TransitionError(
            current_state.value,
            target.value,
            _(
                "A report that is %(current)s cannot become %(target)s.",
                current=current_state.local_label.lower(),
                target=target.local_label.lower(),
            ),
        )


class PaymentState(_Labelled, StrEnum):
    SCHEDULED = "scheduled"
    RELEASED = "released"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            PaymentState.SCHEDULED: N_("Scheduled"),
            PaymentState.RELEASED: N_("Paid"),
            PaymentState.CANCELLED: N_("Cancelled"),
        }[self]


# Payments that still count against the funder's envelope.
COMMITTED_PAYMENT_STATES = frozenset({PaymentState.SCHEDULED, PaymentState.RELEASED})
