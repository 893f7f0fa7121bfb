"""Removed files are set aside, not deleted: a researcher who removes (or replaces) a PDF by
mistake may no longer have it. The row moves to a table of removed files, shown under
"Recently removed" with a Restore button for ``REMOVED_FILES_KEEP_DAYS``; then
``purge_removed_files`` deletes the row and the orphan sweep the file.

Only files are kept this way. The other one-click removals (budget lines, team members, a call's
questions, funders and criteria, a reviewer's collaborators and unavailable dates) are a few typed
fields each, whose main values the audit log records, and are entered again in a minute; a file may
exist nowhere else.

Restoring lives in ``restoring``; this module only sets aside, lists and purges, so the removal
paths in ``attachments`` and ``reports`` can import it without a cycle.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from grants.accounts.models import User
from grants.applications.models import Application, Attachment
from grants.applications.removed_models import RemovedAttachment, RemovedReportFile, stored_pdf_values
from grants.awards.models import Report, ReportFile
from grants.extensions import db


def keep_for() -> timedelta:
    return timedelta(days=current_app.config["REMOVED_FILES_KEEP_DAYS"])


def restorable_until(removed: RemovedAttachment | RemovedReportFile) -> datetime:
    return removed.removed_at + keep_for()


def set_aside_attachment(
    actor: User, application: Application, attachment: Attachment, now: datetime
) -> RemovedAttachment:
    """Take ``attachment`` off the application and keep it among the recently removed."""
    application.attachments.remove(attachment)
    removed = RemovedAttachment(
        application_id=application.id,
        kind=attachment.kind,
        team_member_id=attachment.team_member_id,
        question_key=attachment.question_key,
        removed_at=now,
        removed_by_id=actor.id,
        **stored_pdf_values(attachment),
    )
    # The attachment row must be gone before its stored name appears again: both tables keep
    # stored names unique, and a later sweep must see the file named by one of them.
    db.session.flush()
    db.session.add(removed)
    return removed


def set_aside_report_file(
    actor: User, report: Report, attached: ReportFile, now: datetime
) -> RemovedReportFile:
    """Take ``attached`` off the report and keep it among the recently removed."""
    report.files.remove(attached)
    db.session.delete(attached)
    removed = RemovedReportFile(
        report_id=report.id, removed_at=now, removed_by_id=actor.id, **stored_pdf_values(attached)
    )
    db.session.flush()
    db.session.add(removed)
    return removed


def recently_removed_attachments(application: Application, now: datetime) -> list[RemovedAttachment]:
    """The application's removed files still restorable at ``now``, most recently removed first."""
    return list(
        db.session.scalars(
            select(RemovedAttachment)
            .where(
                RemovedAttachment.application_id == application.id,
                RemovedAttachment.removed_at > now - keep_for(),
            )
            .order_by(RemovedAttachment.removed_at.desc(), RemovedAttachment.id.desc())
        )
    )


def recently_removed_report_files(report: Report, now: datetime) -> list[RemovedReportFile]:
    """The report's removed files still restorable at ``now``, most recently removed first."""
    return list(
        db.session.scalars(
            select(RemovedReportFile)
            .where(RemovedReportFile.report_id == report.id, RemovedReportFile.removed_at > now - keep_for())
            .order_by(RemovedReportFile.removed_at.desc(), RemovedReportFile.id.desc())
        )
    )


def purge_removed_files(now: datetime) -> int:
    """Forget files removed longer ago than the keeping period; their files, no longer named by
    any row, go with the next orphan sweep. Idempotent: a second run finds nothing."""
    cutoff = now - keep_for()
    purged = 0
    for model in (RemovedAttachment, RemovedReportFile):
        purged += db.session.execute(delete(model).where(model.removed_at <= cutoff)).rowcount or 0
    return purged
