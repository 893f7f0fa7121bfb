"""Everything the system holds about a person, as one JSON document (GDPR Articles 15 and 20).

One JSON file rather than a zip with the uploaded PDFs: the PDFs belong to a team's application or
report, stay downloadable from their pages while the person is on the team, and a zip of many
10 MB files would be a slow download built on the server. The export lists each file the person
uploaded, and their CVs, with name, size, SHA-256 digest and time, so they can check their copies.

Secrets are never exported, only said to exist: the password hash, the two-factor secret, the
recovery-code digests, session tokens. Other people appear only where the person wrote about them
(collaborators they declared); who else reviewed an application, their scores, and which member
of staff did something to the account are left out.

The document is written section by section, each list row by row with its query read in
batches, so a large account (an officer with thousands of audit events) is streamed in bounded
memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from grants.accounts.models import AuthSession, RecoveryCode, User, UserRole
from grants.accounts.roles import Role
from grants.applications.models import Application, Attachment, TeamMember
from grants.audit.models import AuditEvent
from grants.audit.services import record
from grants.awards.models import AgreementAcceptance, Award, Report, ReportFile
from grants.calls.models import RubricCriterion
from grants.errors import PermissionDenied
from grants.extensions import db
from grants.notifications.models import OutboxMessage
from grants.reviews.models import ConflictOfInterest, ReviewAssignment, ReviewBid, ReviewerProfile
from grants.timeutil import utcnow

FORMAT = "grants-personal-data/1"
BATCH = 500
CHUNK_CHARS = 64 * 1024
NOT_EXPORTED = "stored, not exported"

Section = tuple[str, Any]  # a name and a value: a mapping, or a row iterator written as a list


def can_export_personal_data(actor: User, person: User) -> bool:
    """The person themself, or an administrator answering a subject access request."""
    return actor.id == person.id or actor.has_role(Role.ADMIN)


def export_personal_data(actor: User, person: User) -> Iterator[str]:
    """Record the export, then return the document as text chunks, read from the database as it
    is written: iterate it within the request (or task) that called this."""
    if not can_export_personal_data(actor, person):
        raise PermissionDenied(_("Only the person themself or an administrator can export their data."))
    record(actor, "account.data_exported", person, {"format": [None, FORMAT]})
    return _chunked(json_document(personal_data_sections(person)))


def export_file_name(person: User, now: datetime) -> str:
    return f"personal-data-{person.id}-{now:%Y-%m-%d}.json"


def personal_data_sections(person: User) -> Iterator[Section]:
    """The export's sections in order; each list section queries the database only when reached."""
    yield "about_this_export", _about(person)
    yield "account", _account(person)
    yield "roles", _rows(select(UserRole).where(UserRole.user_id == person.id).order_by(UserRole.id), _role)
    yield (
        "sign_in_sessions",
        _rows(select(AuthSession).where(AuthSession.user_id == person.id).order_by(AuthSession.id), _session),
    )
    yield "applications", _rows(_memberships(person), _membership)
    yield (
        "files",
        _chain(
            _rows(
                select(Attachment)
                .where(
                    or_(
                        Attachment.uploaded_by_id == person.id,
                        Attachment.team_member_id.in_(_member_ids(person)),
                    )
                )
                .order_by(Attachment.id),
                lambda row: _file(row, person),
            ),
            _rows(
                select(ReportFile).where(ReportFile.uploaded_by_id == person.id).order_by(ReportFile.id),
                lambda row: _file(row, person),
            ),
        ),
    )
    yield "reviewer_profile", _reviewer_profile(person)
    yield (
        "conflicts_of_interest",
        _rows(
            select(ConflictOfInterest)
            .where(ConflictOfInterest.reviewer_id == person.id)
            .order_by(ConflictOfInterest.id),
            _conflict,
        ),
    )
    yield (
        "review_bids",
        _rows(select(ReviewBid).where(ReviewBid.reviewer_id == person.id).order_by(ReviewBid.id), _bid),
    )
    yield (
        "reviews",
        _rows(
            select(ReviewAssignment)
            .where(ReviewAssignment.reviewer_id == person.id)
            .order_by(ReviewAssignment.id),
            _assignment,
        ),
    )
    yield (
        "awards",
        _rows(
            select(Award)
            .where(
                Award.application_id.in_(
                    select(TeamMember.application_id).where(TeamMember.user_id == person.id)
                )
            )
            .order_by(Award.id),
            lambda award: _award(award, person),
        ),
    )
    yield (
        "emails_sent_to_you",
        _rows(
            select(OutboxMessage)
            .where(
                or_(OutboxMessage.recipient_id == person.id, OutboxMessage.recipient_email == person.email)
            )
            .order_by(OutboxMessage.id),
            _email,
        ),
    )
    yield "audit_events", _audit_events(person)


def json_document(sections: Iterable[Section]) -> Iterator[str]:
    """A JSON object with one member per section; a list section is written one row at a time."""
    yield "{"
    for number, (name, value) in enumerate(sections):
        yield ("\n" if number == 0 else ",\n") + json.dumps(name) + ": "
        if isinstance(value, Iterator):
            yield "["
            for index, row in enumerate(value):
                yield ("\n  " if index == 0 else ",\n  ") + _dumps(row)
            yield "\n]"
        else:
            yield _dumps(value)
    yield "\n}\n"


def _chunked(parts: Iterable[str]) -> Iterator[str]:
    """Many small strings as fewer large ones, so the server writes in sensible blocks."""
    buffer: list[str] = []
    size = 0
    for part in parts:
        buffer.append(part)
        size += len(part)
        if size >= CHUNK_CHARS:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _rows(statement, describe: Callable[[Any], dict]) -> Iterator[dict]:
    """Each row of ``statement`` described, read in batches of ``BATCH``."""
    for row in db.session.scalars(statement.execution_options(yield_per=BATCH)):
        yield describe(row)


def _chain(*iterators: Iterator[dict]) -> Iterator[dict]:
    for iterator in iterators:
        yield from iterator


def _about(person: User) -> dict:
    return {
        "format": FORMAT,
        "generated_at": utcnow(),
        "person_id": person.id,
        "not_exported": (
            "Secrets are never exported, only said to exist: the password hash, the two-factor "
            "secret, recovery-code digests and sign-in session tokens. Uploaded PDFs are listed "
            "under files with their SHA-256 digests."
        ),
    }


def _account(person: User) -> dict:
    codes = db.session.scalars(select(RecoveryCode.used_at).where(RecoveryCode.user_id == person.id)).all()
    return {
        "email": person.email,
        "full_name": person.full_name,
        "orcid": person.orcid,
        "institution": person.institution.name if person.institution else None,
        "country": person.country,
        "time_zone": person.time_zone,
        "language": person.language,
        "email_reminders": person.email_reminders,
        "email_digests": person.email_digests,
        "email_verified_at": person.email_verified_at,
        "registered_at": person.created_at,
        "password": NOT_EXPORTED,
        "password_changed_at": person.password_changed_at,
        "two_factor": {
            "enabled_at": person.totp_enabled_at,
            "secret": NOT_EXPORTED if person.totp_secret else None,
            "recovery_codes": {"total": len(codes), "unused": sum(used is None for used in codes)},
        },
        "active": person.is_active_account,
        "erased_at": person.erased_at,
    }


def _role(row: UserRole) -> dict:
    return {"role": row.role, "granted_at": row.granted_at}


def _session(row: AuthSession) -> dict:
    return {
        "signed_in_at": row.created_at,
        "last_seen_at": row.last_seen_at,
        "expires_at": row.expires_at,
        "ended_at": row.ended_at,
        "device": row.user_agent,
        "ip_address": row.ip_address,
        "token": NOT_EXPORTED,
    }


def _member_ids(person: User):
    return _memberships(person).with_only_columns(TeamMember.id).order_by(None)


def _memberships(person: User):
    return (
        select(TeamMember)
        .where(
            or_(
                TeamMember.user_id == person.id,
                and_(TeamMember.user_id.is_(None), TeamMember.email == person.email),
            )
        )
        .order_by(TeamMember.id)
    )


def _membership(member: TeamMember) -> dict:
    application: Application = member.application
    return {
        "application": _reference(application),
        "call": application.call.title,
        "state": application.state,
        "your_role": member.role,
        "your_country": member.country,
        "your_institution": member.institution.name if member.institution else None,
        "name_on_the_team": member.full_name,
        "email_on_the_team": member.email,
        "invited_at": member.invited_at,
        "joined_at": member.accepted_at,
        "content": {
            "title": application.title,
            "abstract": application.abstract,
            "priority_area": application.priority_area,
            "keywords": application.keywords,
            "start_date": application.start_date,
            "duration_months": application.duration_months,
            "answers": [
                {"question": answer.question.label, "answer": answer.value} for answer in application.answers
            ],
        },
    }


def _file(row: Attachment | ReportFile, person: User) -> dict:
    if isinstance(row, Attachment):
        where = {"application": _reference(row.application), "kind": row.kind}
    else:
        where = {"award": row.report.award.reference, "report": f"{row.report.kind} {row.report.sequence}"}
    return {
        **where,
        "name": row.original_name,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
        "uploaded_at": row.uploaded_at,
        "uploaded_by_you": row.uploaded_by_id == person.id,
    }


def _reviewer_profile(person: User) -> dict | None:
    profile = db.session.scalar(select(ReviewerProfile).where(ReviewerProfile.user_id == person.id))
    if profile is None:
        return None
    return {
        "keywords": profile.keywords,
        "statement": profile.statement,
        "max_reviews_per_call": profile.max_reviews_per_call,
        "expertise": profile.area_names,
        "collaborators": [
            {"name": c.name, "email": c.email, "orcid": c.orcid} for c in profile.collaborators
        ],
        "unavailable": [
            {"from": period.starts_on, "to": period.ends_on, "note": period.note}
            for period in profile.unavailable
        ],
        "updated_at": profile.updated_at,
    }


def _reference(application: Application) -> str:
    return application.reference or f"draft {application.id}"


def _conflict(row: ConflictOfInterest) -> dict:
    return {
        "application": _reference(row.application),
        "source": row.source,
        "reason": row.reason,
        "recorded_at": row.created_at,
    }


def _bid(row: ReviewBid) -> dict:
    application = db.session.get(Application, row.application_id)
    return {"application": _reference(application), "level": row.level, "updated_at": row.updated_at}


def _assignment(row: ReviewAssignment) -> dict:
    """One review invitation and the review written for it: this reviewer's own scores only."""
    review = row.review
    written = None
    if review is not None:
        written = {
            "state": review.state,
            "recommendation": review.recommendation,
            "overall_score": review.overall_score,
            "scores": [
                {"criterion": db.session.get(RubricCriterion, score.criterion_id).name, "score": score.score}
                for score in review.scores
            ],
            "comments_for_applicant": review.comments_for_applicant,
            "comments_for_panel": review.comments_for_panel,
            "submitted_at": review.submitted_at,
        }
    return {
        "application": _reference(row.application),
        "invitation_state": row.state,
        "invited_at": row.invited_at,
        "responded_at": row.responded_at,
        "decline_reason": row.decline_reason,
        "review": written,
    }


def _award(award: Award, person: User) -> dict:
    accepted = db.session.scalar(
        select(AgreementAcceptance.accepted_at).where(
            AgreementAcceptance.award_id == award.id, AgreementAcceptance.user_id == person.id
        )
    )
    return {
        "award": award.reference,
        "state": award.state,
        "start_date": award.start_date,
        "end_date": award.end_date,
        "funding": [{"currency": f.currency, "amount_minor": f.amount_minor} for f in award.fundings],
        "you_accepted_the_agreement_at": accepted,
        "reports": [_report(report, person) for report in award.reports],
    }


def _report(report: Report, person: User) -> dict:
    return {
        "report": f"{report.kind} {report.sequence}",
        "state": report.state,
        "due_date": report.due_date,
        "summary": report.summary,
        "outcomes": report.outcomes,
        "problems": report.problems,
        "submitted_at": report.submitted_at,
        "submitted_by_you": report.submitted_by_id == person.id,
    }


def _email(row: OutboxMessage) -> dict:
    return {
        "email": row.template,
        "to": row.recipient_email,
        "language": row.language,
        "state": row.state,
        "written_at": row.created_at,
        "sent_at": row.sent_at,
    }


def _audit_events(person: User) -> Iterator[dict]:
    """Events the person did or that were done to their account. Columns, not objects, so that
    thousands of events cost one row at a time. Another actor is not named."""
    statement = (
        select(
            AuditEvent.occurred_at,
            AuditEvent.actor_id,
            AuditEvent.action,
            AuditEvent.subject_type,
            AuditEvent.subject_id,
            AuditEvent.changes,
        )
        .where(
            or_(
                AuditEvent.actor_id == person.id,
                and_(AuditEvent.subject_type == "User", AuditEvent.subject_id == person.id),
            )
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
        .execution_options(yield_per=BATCH)
    )
    for occurred_at, actor_id, action, subject_type, subject_id, changes in db.session.execute(statement):
        yield {
            "at": occurred_at,
            "action": action,
            "by": "you" if actor_id == person.id else ("system" if actor_id is None else "staff"),
            "subject": f"{subject_type} {subject_id}",
            "changes": changes,
        }
