"""Restoring a recently removed file: back where it was, while the draft or report can still
change. A single-slot document (the case for support, a member's CV, the file answering a
question) swaps with the one that took its place, which becomes restorable in its turn."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete

from grants.accounts.models import User
from grants.applications.models import Application, Attachment, AttachmentKind
from grants.applications.removed_models import RemovedAttachment, RemovedReportFile, stored_pdf_values
from grants.applications.services.attachments import MAX_PER_KIND, _audit_name
from grants.applications.services.common import require_editable
from grants.applications.services.removed_files import keep_for, set_aside_attachment
from grants.audit.services import record
from grants.awards.models import Report, ReportFile
from grants.awards.services.reports import MAX_FILES, _require_writing
from grants.errors import NotFound, ValidationError
from grants.extensions import db


def restore_attachment(actor: User, application: Application, removed_id: int, now: datetime) -> Attachment:
    """Put a removed file back on the draft; only its team may, and only while it is editable."""
    require_editable(actor, application, now)
    removed = db.session.get(RemovedAttachment, removed_id, with_for_update=True)
    if removed is None or removed.application_id != application.id or removed.removed_at <= now - keep_for():
        raise NotFound(_("That removed file can no longer be restored."))
    kind = AttachmentKind(removed.kind)
    for occupant in [item for item in application.attachments if _same_slot(item, removed)]:
        set_aside_attachment(actor, application, occupant, now)
    limit = MAX_PER_KIND.get(kind)
    if (
        kind is AttachmentKind.LETTER_OF_SUPPORT
        and sum(a.kind == kind for a in application.attachments) >= limit
    ):
        raise ValidationError(
            _("Remove a letter of support first: an application takes at most %(limit)s.", limit=limit)
        )
    attachment = Attachment(
        kind=removed.kind,
        team_member_id=removed.team_member_id,
        question_key=removed.question_key,
        **stored_pdf_values(removed),
    )
    _take_back(removed)
    application.attachments.append(attachment)
    record(
        actor,
        "application.attachment_restored",
        application,
        {
            "attachment": [None, _audit_name(kind, attachment.original_name)],
            "sha256": [None, attachment.sha256],
        },
    )
    return attachment


def restore_report_file(actor: User, report: Report, removed_id: int, now: datetime) -> ReportFile:
    """Put a removed file back on a report its team is still writing."""
    _require_writing(actor, report)
    removed = db.session.get(RemovedReportFile, removed_id, with_for_update=True)
    if removed is None or removed.report_id != report.id or removed.removed_at <= now - keep_for():
        raise NotFound(_("That removed file can no longer be restored."))
    if len(report.files) >= MAX_FILES:
        raise ValidationError(_("Remove a file first: a report takes at most %(limit)s.", limit=MAX_FILES))
    attached = ReportFile(**stored_pdf_values(removed))
    _take_back(removed)
    report.files.append(attached)
    record(
        actor,
        "report.file_restored",
        report.award,
        {"report": [None, report.record_title], "file": [None, attached.original_name]},
    )
    return attached


def _take_back(removed: RemovedAttachment | RemovedReportFile) -> None:
    """Delete the removed row, if it is still there. The row was locked as it was read, but a
    purge at the very end of the keeping period may have deleted it first where rows cannot be
    locked; the DELETE says so by matching nothing, and the restore is refused cleanly rather
    than failing at the flush."""
    model = type(removed)
    deleted = db.session.execute(
        delete(model).where(model.id == removed.id).execution_options(synchronize_session=False)
    )
    db.session.expunge(removed)
    if deleted.rowcount != 1:
        raise NotFound(_("That removed file can no longer be restored."))


def _same_slot(current: Attachment, removed: RemovedAttachment) -> bool:
    """Whether ``current`` holds the one place ``removed`` would take back."""
    if current.kind != removed.kind:
        return False
    kind = AttachmentKind(removed.kind)
    if kind is AttachmentKind.CASE_FOR_SUPPORT:
        return True
    if kind is AttachmentKind.CV:
        return current.team_member_id == removed.team_member_id
    if kind is AttachmentKind.ANSWER:
        return current.question_key == removed.question_key
    return False
