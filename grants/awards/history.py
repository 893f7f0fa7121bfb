"""The award page's history in the reader's language: what each audited change was, and the
names of the fields it changed. The audit records themselves stay as written (English keys);
an action or field not named here is shown from its key, as before."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grants.awards.states import AwardState, ReportState

CHANGES = {
    "award.offered": _l("Offered"),
    "award.agreement_accepted": _l("Agreement accepted"),
    "award.active": _l("Active"),
    "award.offer_extended": _l("Offer extended"),
    "award.withdrawn": _l("Withdrawn"),
    "award.start_moved": _l("Start moved"),
    "award.extended": _l("Extended"),
    "award.budget_transferred": _l("Budget transferred"),
    "award.terminated": _l("Terminated"),
    "award.milestone_added": _l("Milestone added"),
    "award.milestone_achieved": _l("Milestone achieved"),
    "award.payment_released": _l("Payment released"),
    "award.completed": _l("Completed"),
    "report.saved": _l("Saved"),
    "report.file_added": _l("File added"),
    "report.file_removed": _l("File removed"),
    "report.submitted": _l("Submitted"),
    "report.accepted": _l("Accepted"),
    "report.changes_requested": _l("Changes requested"),
}

FIELDS = {
    "accepted_by": _l("accepted by"),
    "amounts": _l("amounts"),
    "start_date": _l("start date"),
    "end_date": _l("end date"),
    "file": _l("file"),
    "funder": _l("funder"),
    "milestone": _l("milestone"),
    "note": _l("note"),
    "offer_expires_at": _l("offer expires at"),
    "on": _l("on"),
    "payment": _l("payment"),
    "payments_cancelled": _l("payments cancelled"),
    "reason": _l("reason"),
    "reference": _l("reference"),
    "report": _l("report"),
    "reports": _l("reports"),
    "state": _l("state"),
    # Budget categories, the keys of a transfer.
    "staff": _l("staff"),
    "equipment": _l("equipment"),
    "travel": _l("travel"),
    "consumables": _l("consumables"),
    "other": _l("other"),
}


def change_label(action: str) -> str:
    """ "award.agreement_accepted" -> "Agreement accepted"."""
    label = CHANGES.get(action)
    if label is not None:
        return str(label)
    return action.split(".", 1)[-1].replace("_", " ").capitalize()


def value_label(key: str, value: object) -> object:
    """A recorded state ("offered") in the reader's words; any other value as recorded."""
    if key == "state" and isinstance(value, str):
        for states in (AwardState, ReportState):
            if value in states._value2member_map_:
                return states(value).local_label
    return value


def field_label(key: str) -> str:
    """ "end_date" -> "end date"."""
    label = FIELDS.get(key)
    return str(label) if label is not None else key.replace("_", " ")
