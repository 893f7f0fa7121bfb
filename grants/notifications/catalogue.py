"""Every email Grants sends: its template, its subject and whether people may turn it off.

Subjects are message ids for the translation catalogue (``lazy_gettext`` marks them for
extraction); they are translated when a message is rendered, in the recipient's language.
Transactional emails (receipts, decisions, password resets) always go; ``optional`` names the
profile preference that turns the others off.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Preference(StrEnum):
    REMINDERS = "email_reminders"
    DIGESTS = "email_digests"


@dataclass(frozen=True)
class EmailKind:
    subject: object  # a lazy string
    optional: Preference | None = None


EMAILS: dict[str, EmailKind] = {
    "verify_email": EmailKind(_l("Confirm your email address for Grants")),
    "password_reset": EmailKind(_l("Reset your Grants password")),
    "password_changed": EmailKind(_l("Your Grants password was changed")),
    "email_change_confirm": EmailKind(_l("Confirm your new email address for Grants")),
    "email_change_notice": EmailKind(_l("Your Grants email address is being changed")),
    "two_factor_changed": EmailKind(_l("Two-factor authentication on your Grants account changed")),
    "recovery_code_used": EmailKind(_l("A recovery code was used to sign in to Grants")),
    "two_factor_wrong_codes": EmailKind(_l("Wrong two-factor codes were entered for your Grants account")),
    "role_invitation": EmailKind(_l("You are invited to review for Grants")),
    "role_granted": EmailKind(_l("You have a new role in Grants")),
    "team_invitation": EmailKind(_l("Join a proposal team on Grants")),
    "application_submitted": EmailKind(_l("Application submitted: your receipt")),
    "application_withdrawn": EmailKind(_l("An application was withdrawn")),
    "application_reopened": EmailKind(_l("Your application was reopened for a correction")),
    "review_invitation": EmailKind(_l("Will you review a proposal?")),
    "review_received": EmailKind(_l("Your review was received")),
    "review_unlocked": EmailKind(_l("Your review was unlocked for changes")),
    "review_cancelled": EmailKind(_l("You no longer need to review a proposal")),
    "decision_released": EmailKind(_l("A decision on your application")),
    "award_offered": EmailKind(_l("Award offer: please accept the agreement")),
    "agreement_accepted": EmailKind(_l("Your award is active")),
    "award_withdrawn": EmailKind(_l("An award offer was withdrawn")),
    "award_changed": EmailKind(_l("Your award has changed")),
    "report_reviewed": EmailKind(_l("Your report has been reviewed")),
    "payment_released": EmailKind(_l("A payment has been made on your award")),
    "call_closing_reminder": EmailKind(
        _l("Reminder: your application is not submitted yet"), Preference.REMINDERS
    ),
    "review_reminder": EmailKind(_l("Reminder: a review is due"), Preference.REMINDERS),
    "review_overdue": EmailKind(_l("A review you accepted is overdue"), Preference.REMINDERS),
    "acceptance_reminder": EmailKind(_l("Reminder: accept your award agreement"), Preference.REMINDERS),
    "report_due_reminder": EmailKind(_l("Reminder: a report on your award is due"), Preference.REMINDERS),
    "report_overdue": EmailKind(_l("A report on your award is overdue"), Preference.REMINDERS),
    "officer_digest": EmailKind(_l("Grants daily digest: what is late"), Preference.DIGESTS),
}


# Roles the services pass as values, named in the reader's language.
ROLE_NAMES = {
    "reviewer": _l("reviewer"),
    "officer": _l("programme officer"),
    "admin": _l("administrator"),
    "lead": _l("lead investigator"),
    "co_investigator": _l("co-investigator"),
}


def wants(recipient: object | None, template: str) -> bool:
    """Whether ``recipient`` receives this email: always for transactional ones."""
    preference = EMAILS[template].optional
    if preference is None or recipient is None:
        return True
    return bool(getattr(recipient, preference.value, True))
