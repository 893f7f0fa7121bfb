"""Progress and final reports: the team writes and submits them (a form plus PDFs), officers
accept them or ask for changes."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from grants.accounts.models import User
from grants.applications.services.attachments import check_upload, stored_pdf_fields
from grants.applications.services.removed_files import set_aside_report_file
from grants.audit.services import record
from grants.awards.models import Report, ReportFile
from grants.awards.services.completion import complete_if_finished
from grants.awards.services.mail import email_award_team
from grants.awards.services.offers import require_managing
from grants.awards.states import ReportState, check_report_transition
from grants.database import lock_and_reload
from grants.errors import Conflict, NotFound, PermissionDenied, ValidationError
from grants.security.predicates import can_write_report, team_membership

FIELD_LIMIT = 20000
MAX_FILES = 10
SECTIONS = {
    "summary": "Summary of progress",
    "outcomes": "Outputs and outcomes",
    "problems": "Problems and changes to the plan",
}


def _require_writing(actor: User, report: Report) -> None:
    # The award first, as terminations and extensions take it: a submission is never overwritten
    # by a schedule change that read the report before it.
    lock_and_reload(report.award)
    lock_and_reload(report)
    if not can_write_report(actor, report):
        if team_membership(actor, report.award.application) is not None and report.award.state == "offered":
            raise Conflict(_("Reports open once every lead investigator has accepted the award."))
        if report.is_editable:
            raise PermissionDenied(_("Only the award's team writes its reports."))
        raise Conflict(_("This report is %(state)s and cannot change now.", state=report.state_label.lower()))


def save_report(actor: User, report: Report, **texts: str) -> Report:
    """Save the report's sections as a draft; nothing is sent until it is submitted."""
    _require_writing(actor, report)
    for name in SECTIONS:
        value = (texts.get(name) or "").strip()
        if len(value) > FIELD_LIMIT:
            raise ValidationError(
                _("Keep this section under %(limit)s characters.", limit=f"{FIELD_LIMIT:,}"), field=name
            )
        setattr(report, name, value)
    record(actor, "report.saved", report.award, {"report": [None, report.record_title]})
    return report


def add_report_file(
    actor: User, report: Report, *, filename: str | None, content: bytes, now: datetime
) -> ReportFile:
    _require_writing(actor, report)
    name = check_upload(filename, content)
    if len(report.files) >= MAX_FILES:
        raise ValidationError(_("Attach at most %(limit)s files to a report.", limit=MAX_FILES), field="file")
    attached = ReportFile(**stored_pdf_fields(actor, name, content, now))
    report.files.append(attached)
    record(
        actor,
        "report.file_added",
        report.award,
        {"report": [None, report.record_title], "file": [None, name]},
    )
    return attached


def remove_report_file(actor: User, report: Report, file_id: int, now: datetime) -> None:
    """Take a file off the report being written; it stays restorable for a while."""
    _require_writing(actor, report)
    attached = next((f for f in report.files if f.id == file_id), None)
    if attached is None:
        raise NotFound(_("That file is not attached to this report."))
    set_aside_report_file(actor, report, attached, now)
    record(
        actor,
        "report.file_removed",
        report.award,
        {"report": [None, report.record_title], "file": [attached.original_name, None]},
    )


def submit_report(actor: User, report: Report, now: datetime) -> Report:
    _require_writing(actor, report)
    if not report.summary.strip():
        raise ValidationError(_("Write the summary of progress before submitting."), field="summary")
    before = report.state
    check_report_transition(report.state, ReportState.SUBMITTED)
    report.state = ReportState.SUBMITTED
    report.submitted_at = now
    report.submitted_by_id = actor.id
    record(
        actor,
        "report.submitted",
        report.award,
        {"report": [None, report.record_title], "state": [before, "submitted"]},
    )
    return report


def review_report(actor: User, report: Report, *, accept: bool, note: str, now: datetime) -> Report:
    """Accept a submitted report, or send it back with what to change."""
    require_managing(actor, report.award)
    lock_and_reload(report.award)
    lock_and_reload(report)
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError(_("Say what the team should change."), field="note")
    if len(note) > FIELD_LIMIT:
        raise ValidationError(
            _("Keep the note under %(limit)s characters.", limit=f"{FIELD_LIMIT:,}"), field="note"
        )
    target = ReportState.ACCEPTED if accept else ReportState.CHANGES_REQUESTED
    check_report_transition(report.state, target)
    report.state = target
    report.reviewed_at = now
    report.reviewed_by_id = actor.id
    report.review_note = note
    record(
        actor,
        f"report.{target.value}",
        report.award,
        {"report": [None, report.record_title], "note": [None, note or None]},
    )
    email_award_team(
        report.award,
        "report_reviewed",
        f"report_reviewed:{report.id}:{report.submitted_at.isoformat()}",
        report_kind=report.kind,
        report_number=report.sequence,
        accepted=accept,
        note=note,
    )
    if accept:
        complete_if_finished(actor, report.award, now)
    return report
