"""Erasing a person's personal data (GDPR Article 17) while the records stay whole.

**The rule.** A funder must keep the record of what it assessed, decided and paid for years after
an award ends (audit, fraud, public accounts; Article 17(3)(b) and (e)). So erasure anonymises
rather than deletes: the ``users`` row stays, named "Erased person 123" with an address that can
never receive mail, and everything linked to it stays linked: applications the person was on,
reviews and scores that informed decisions, awards, payments, reports, audit events. What
identifies the person goes: name, email, ORCID iD, institution, country, sign-in devices and
addresses, the two-factor secret and recovery codes, their CVs, the reviewer profile's free text,
expertise, collaborators and unavailable periods, role invitations sent to the address, and every
copy of the name, email or ORCID iD that audit events, emails, file names and other records quote
(``scrubbing``), the earlier ones they went by too (as audit events about the account and their
team rows record them; an old address another account has taken since is left to its owner).
The content of other files and free text others wrote is not searched.

Erasure is refused while the person is part of something still running, where the funder
needs to reach them and the data is processed to perform a contract: an application submitted
and not yet decided, an award offered or active, a review invitation open or a review not yet
submitted. Staff finish or reassign those first. An administrator cannot erase their own account.

**The audit trail keeps its integrity**: no event is deleted or reordered; actors and subjects
keep their ids; one ``account.erased`` event is added, naming the administrator. Erasing an
erased person changes nothing and records nothing.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, or_, select, update

from grants.accounts.models import AuthSession, RecoveryCode, RoleInvitation, User
from grants.applications.models import Application, Attachment, AttachmentKind, TeamMember
from grants.applications.removed_models import RemovedAttachment
from grants.applications.services.uploads import STORED_FILE_MODELS
from grants.applications.states import ApplicationState
from grants.audit.models import AuditEvent
from grants.audit.services import record
from grants.awards.models import Award
from grants.awards.states import AwardState
from grants.database import lock_and_reload
from grants.errors import Conflict, PermissionDenied, ValidationError
from grants.extensions import db
from grants.notifications.models import OutboxMessage, OutboxState
from grants.privacy.scrubbing import Replacer, scrub_json_columns
from grants.reviews.models import Collaborator, ReviewAssignment, ReviewerProfile
from grants.reviews.states import ACTIVE_ASSIGNMENT_STATES

PENDING_DECISION = (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW, ApplicationState.WAITLISTED)
RUNNING_AWARD = (AwardState.OFFERED, AwardState.ACTIVE)
# Why a pending email was never sent; outbox rows keep a reason, not a new state.
CANCELLED_NOTE = "Cancelled: the recipient's personal data was erased."


def pseudonym(person: User) -> str:
    """The name an erased person goes by; stored in English like every other stored value."""
    return f"Erased person {person.id}"


def placeholder_email(person: User) -> str:
    """Unique (``users.email`` is) and undeliverable: ``.invalid`` is reserved (RFC 2606)."""
    return f"erased-{person.id}@invalid"


def erasure_obstacles(person: User) -> list[str]:
    """What must finish before ``person`` can be erased; empty when nothing stands in the way."""
    obstacles = []
    on_team = select(TeamMember.application_id).where(TeamMember.user_id == person.id)
    pending = db.session.scalar(
        select(Application.reference)
        .where(Application.id.in_(on_team), Application.state.in_(PENDING_DECISION))
        .limit(1)
    )
    if pending:
        obstacles.append(
            _("They are on the team of %(reference)s, which is awaiting a decision.", reference=pending)
        )
    award = db.session.scalar(
        select(Award.reference)
        .where(Award.application_id.in_(on_team), Award.state.in_(RUNNING_AWARD))
        .limit(1)
    )
    if award:
        obstacles.append(
            _("They are on the team of award %(reference)s, which is still running.", reference=award)
        )
    open_reviews = [
        assignment
        for assignment in db.session.scalars(
            select(ReviewAssignment).where(
                ReviewAssignment.reviewer_id == person.id,
                ReviewAssignment.state.in_(ACTIVE_ASSIGNMENT_STATES),
            )
        )
        if not assignment.has_submitted_review and assignment.application.state in PENDING_DECISION
    ]
    if open_reviews:
        obstacles.append(
            ngettext(
                "They have %(num)d review invitation still open: cancel it first.",
                "They have %(num)d review invitations still open: cancel them first.",
                len(open_reviews),
            )
        )
    return obstacles


def erase_person(actor: User, person: User, *, confirm_email: str, now: datetime) -> bool:
    """Erase ``person``'s personal data (see the module's rule). ``confirm_email`` is the address
    the administrator typed to confirm. Returns False when the person was already erased."""
    lock_and_reload(person)
    if person.erased_at is not None:
        return False
    if person.id == actor.id:
        raise PermissionDenied(_("You cannot erase your own account. Ask another administrator."))
    if (confirm_email or "").strip().lower() != person.email.lower():
        raise ValidationError(_("Type the person's email address exactly to confirm."), field="confirm_email")
    obstacles = erasure_obstacles(person)
    if obstacles:
        raise Conflict(" ".join([_("This person cannot be erased yet."), *obstacles]))

    known = _known_values(person)
    replacer = Replacer(
        {
            **dict.fromkeys(known["orcid"], pseudonym(person)),
            **dict.fromkeys(known["full_name"], pseudonym(person)),
            **dict.fromkeys(known["email"], placeholder_email(person)),
        }
    )
    _erase_files(person, known, replacer)
    _erase_team_rows(person, known, replacer)
    _erase_reviewer_data(person)
    _end_sign_in(person, now)
    _cancel_mail_and_invitations(person, known, now)
    _erase_account(person, now)
    db.session.flush()
    scrub_json_columns(replacer)
    db.session.expire_all()  # the JSON rewrites went straight to the tables
    record(actor, "account.erased", person, {"erased_at": [None, now.isoformat()]})
    return True


# The audited fields of a user that identify them; their earlier values are erased too.
IDENTIFYING_FIELDS = ("email", "full_name", "orcid")


def _known_values(person: User) -> dict[str, set[str]]:
    """Every email, name and ORCID iD the person has gone by that the records still quote: the
    current ones, the old and new values of audit events about the account (a rename, a change
    of address, one requested), and the names and addresses of team rows linked to them."""
    known: dict[str, set[str]] = {
        "email": {person.email},
        "full_name": {person.full_name},
        "orcid": {person.orcid} if person.orcid else set(),
    }
    about_them = select(AuditEvent.changes).where(
        AuditEvent.subject_type == User.__name__, AuditEvent.subject_id == person.id
    )
    for changes in db.session.scalars(about_them):
        for field in IDENTIFYING_FIELDS:
            values = (changes or {}).get(field)
            if isinstance(values, list | tuple):
                known[field].update(value for value in values if isinstance(value, str) and value.strip())
    for email, full_name in db.session.execute(
        select(TeamMember.email, TeamMember.full_name).where(TeamMember.user_id == person.id)
    ):
        known["email"].add(email)
        known["full_name"].add(full_name)
    # A masked address ("m***@example.org") is what an event shows of a new one, not an address;
    # an old address someone else has since taken is theirs now, and so are its records.
    emails = {email for email in known["email"] if "***@" not in email}
    taken = set(
        db.session.scalars(
            select(func.lower(User.email)).where(
                func.lower(User.email).in_([email.lower() for email in emails]), User.id != person.id
            )
        )
    )
    known["email"] = {email for email in emails if email.lower() not in taken}
    return known


def _erase_account(person: User, now: datetime) -> None:
    person.full_name = pseudonym(person)
    person.email = placeholder_email(person)
    person.orcid = None
    person.institution_id = None
    person.country = None
    person.email_verified_at = None
    person.email_reminders = False
    person.email_digests = False
    person.is_active_account = False
    # Not a hash any password can match: argon2 refuses it as malformed.
    person.password_hash = "!erased-" + secrets.token_hex(16)
    person.password_changed_at = now
    person.totp_secret = None
    person.totp_enabled_at = None
    person.totp_last_step = None
    person.erased_at = now


def _erase_team_rows(person: User, known: dict[str, set[str]], replacer: Replacer) -> None:
    """Their rows on application teams, joined or only invited: the row (and its role on the
    team) stays for the application's history, under the pseudonym."""
    members = db.session.scalars(
        select(TeamMember).where(or_(TeamMember.user_id == person.id, TeamMember.email.in_(known["email"])))
    )
    for member in members:
        member.full_name = pseudonym(person)
        member.email = placeholder_email(person)
        member.invitation_token_hash = None  # an unanswered invitation can no longer be taken up
    # Other reviewers may have declared this person as a collaborator.
    for collaborator in db.session.scalars(
        select(Collaborator).where(
            or_(
                Collaborator.email.in_(known["email"]),
                Collaborator.name.in_(known["full_name"]),
                *([Collaborator.orcid.in_(known["orcid"])] if known["orcid"] else []),
            )
        )
    ):
        collaborator.name = replacer.text(collaborator.name)
        collaborator.email = (
            placeholder_email(person) if collaborator.email in known["email"] else collaborator.email
        )
        collaborator.orcid = None if collaborator.orcid in known["orcid"] else collaborator.orcid


def _erase_files(person: User, known: dict[str, set[str]], replacer: Replacer) -> None:
    """Their CVs go: a CV is nothing but personal data, and the decisions, reviews and scores stand
    without it (the files follow with the orphan sweep). Other files keep their content; a file
    name that mentions them is renamed."""
    members = select(TeamMember.id).where(
        or_(TeamMember.user_id == person.id, TeamMember.email.in_(known["email"]))
    )
    for model in (Attachment, RemovedAttachment):
        db.session.execute(
            delete(model).where(model.kind == AttachmentKind.CV, model.team_member_id.in_(members))
        )
    for model in STORED_FILE_MODELS:
        mentions = or_(*(model.original_name.contains(old, autoescape=True) for old in replacer.replacements))
        for row in db.session.scalars(select(model).where(mentions)):
            row.original_name = replacer.text(row.original_name)


def _erase_reviewer_data(person: User) -> None:
    """The profile row stays (reviews point at the person, not the profile), emptied."""
    profile = db.session.scalar(select(ReviewerProfile).where(ReviewerProfile.user_id == person.id))
    if profile is None:
        return
    profile.keywords = ""
    profile.statement = ""
    profile.areas.clear()
    profile.collaborators.clear()
    profile.unavailable.clear()


def _end_sign_in(person: User, now: datetime) -> None:
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == person.id, AuthSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    db.session.execute(
        update(AuthSession).where(AuthSession.user_id == person.id).values(user_agent=None, ip_address=None)
    )
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == person.id))


def _cancel_mail_and_invitations(person: User, known: dict[str, set[str]], now: datetime) -> None:
    to_them = or_(OutboxMessage.recipient_id == person.id, OutboxMessage.recipient_email.in_(known["email"]))
    db.session.execute(
        update(OutboxMessage)
        .where(to_them, OutboxMessage.state == OutboxState.PENDING)
        .values(state=OutboxState.EXPIRED, failed_at=now, last_error=CANCELLED_NOTE)
    )
    db.session.execute(update(OutboxMessage).where(to_them).values(recipient_email=placeholder_email(person)))
    db.session.execute(
        update(RoleInvitation)
        .where(RoleInvitation.email.in_(known["email"]), RoleInvitation.accepted_at.is_(None))
        .values(expires_at=now)
    )
    db.session.execute(
        update(RoleInvitation)
        .where(RoleInvitation.email.in_(known["email"]))
        .values(email=placeholder_email(person), message=None)
    )
