"""When an award is finished: its final report accepted and nothing left to pay."""

from __future__ import annotations

from datetime import datetime

from grants.accounts.models import User
from grants.audit.services import record
from grants.awards.models import Award
from grants.awards.states import AwardState, PaymentState, ReportState


def complete_if_finished(actor: User, award: Award, now: datetime) -> bool:
    """Close an active award whose reports are all accepted (the final one included) and whose
    payments are all made."""
    if award.state != AwardState.ACTIVE:
        return False
    final_accepted = any(r.kind == "final" and r.state == ReportState.ACCEPTED for r in award.reports)
    reports_in = all(r.state in (ReportState.ACCEPTED, ReportState.CANCELLED) for r in award.reports)
    if not (final_accepted and reports_in) or any(p.state == PaymentState.SCHEDULED for p in award.payments):
        return False
    award.state = AwardState.COMPLETED
    award.closed_at = now
    record(actor, "award.completed", award, {"state": ["active", "completed"]})
    return True
