"""PDF attachments: checked by their content, size and name before anything is stored."""

from __future__ import annotations

import hashlib
import logging
import math
import unicodedata
from datetime import datetime
from typing import Any

import filetype
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from grants.accounts.models import User
from grants.applications.models import Application, Attachment, AttachmentKind
from grants.applications.pdf_checks import check_pdf_content
from grants.applications.services.common import require_editable
from grants.applications.services.removed_files import set_aside_attachment
from grants.applications.storage import is_unsafe_character, store_bytes
from grants.audit.services import record
from grants.calls.questions import QuestionKind
from grants.errors import NotFound, Unavailable, ValidationError

log = logging.getLogger(__name__)
MAX_PER_KIND = {AttachmentKind.CASE_FOR_SUPPORT: 1, AttachmentKind.LETTER_OF_SUPPORT: 10}
# Device names Windows will not save a file under, whatever follows the first dot (NUL.pdf).
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{port}{n}" for port in ("COM", "LPT") for n in range(10)}


def upload_attachment(
    actor: User,
    application: Application,
    *,
    kind: str,
    filename: str | None,
    content: bytes,
    team_member_id: int | None = None,
    question_key: str | None = None,
    now: datetime,
) -> Attachment:
    """Store one PDF for the application. A case for support or a member's CV replaces the one before."""
    require_editable(actor, application, now)
    try:
        kind_value = AttachmentKind(kind)
    except ValueError:
        raise ValidationError(_("Choose what this document is."), field="kind") from None
    name = check_upload(filename, content)
    member = _member_for(application, kind_value, team_member_id)
    question_key = _question_for(application, kind_value, question_key)
    replaced = [
        item
        for item in application.attachments
        if item.kind == kind_value
        and (
            kind_value is AttachmentKind.CASE_FOR_SUPPORT
            or (kind_value is AttachmentKind.CV and item.team_member_id == team_member_id)
            or (kind_value is AttachmentKind.ANSWER and item.question_key == question_key)
        )
    ]
    limit = MAX_PER_KIND.get(kind_value)
    if (
        kind_value is AttachmentKind.LETTER_OF_SUPPORT
        and len([item for item in application.attachments if item.kind == kind_value]) >= limit
    ):
        raise ValidationError(_("Attach at most %(limit)s letters of support.", limit=limit), field="file")
    # Stored before anything changes, so a full disk leaves the draft as it was.
    stored = stored_pdf_fields(actor, name, content, now)
    for old in replaced:
        set_aside_attachment(actor, application, old, now)
    attachment = Attachment(
        kind=kind_value.value,
        team_member_id=member.id if member else None,
        question_key=question_key,
        **stored,
    )
    application.attachments.append(attachment)
    record(
        actor,
        "application.attachment_added",
        application,
        {"attachment": [None, _audit_name(kind_value, name)], "sha256": [None, attachment.sha256]},
    )
    return attachment


def stored_pdf_fields(actor: User, name: str, content: bytes, now: datetime) -> dict[str, Any]:
    """Store checked PDF bytes under a fresh random name; the ``StoredPdf`` columns of the row.
    A disk that cannot take the file (full, over quota, failing) is a 503: nothing was saved."""
    try:
        stored_name = store_bytes(content)
    except OSError as error:
        log.error("could not store an upload of %s bytes: %s", len(content), error)
        raise Unavailable(
            _("We could not store your file just now. Nothing was saved; try again in a few minutes.")
        ) from error
    return {
        "original_name": name,
        "stored_name": stored_name,
        "size_bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "uploaded_by_id": actor.id,
        "uploaded_at": now,
    }


def check_upload(filename: str | None, content: bytes) -> str:
    """The checked name of an uploaded PDF whose name, size and bytes all pass."""
    name = check_file_name(filename)
    check_pdf(content, current_app.config["ATTACHMENT_MAX_BYTES"])
    return name


def check_file_name(filename: str | None) -> str:
    """The name to show. Names with folders, ``..`` or control characters are refused, not repaired:
    no browser sends them, so they come from a tool probing for a path traversal."""
    name = unicodedata.normalize("NFC", (filename or "").strip())
    if not name:
        raise ValidationError(_("Choose a PDF file to upload."), field="file")
    if "/" in name or "\\" in name or ".." in name or name.startswith("."):
        raise ValidationError(_("The file name must be a plain name, without folders or “..”."), field="file")
    if any(is_unsafe_character(char) for char in name):
        raise ValidationError(
            _("The file name contains invisible or control characters. Rename the file and try again."),
            field="file",
        )
    if name.split(".")[0].strip().upper() in WINDOWS_RESERVED:
        raise ValidationError(
            _("Windows reserves this file name for devices. Rename the file and try again."), field="file"
        )
    if len(name) > 200:
        raise ValidationError(_("Shorten the file name to under 200 characters."), field="file")
    if not name.lower().endswith(".pdf"):
        raise ValidationError(_("Upload a PDF: its name should end in .pdf."), field="file")
    return name


def check_pdf(content: bytes, max_bytes: int) -> None:
    """Refuse empty, oversized and non-PDF content, judged by the bytes, whatever the name says."""
    if not content:
        raise ValidationError(_("The file is empty."), field="file")
    if len(content) > max_bytes:
        raise ValidationError(
            _(
                "The file is %(size)s; the limit is %(limit)s.",
                size=size_text(len(content)),
                limit=size_text(max_bytes),
            ),
            field="file",
        )
    kind = filetype.guess(content[:8192])
    if kind is None:
        raise ValidationError(
            _("This file is not a PDF. Save or export it as PDF and try again."), field="file"
        )
    if kind.mime != "application/pdf":
        raise ValidationError(
            _(
                "This file is not a PDF (it looks like %(type)s). Save or export it as PDF and try again.",
                type=kind.mime,
            ),
            field="file",
        )
    check_pdf_content(content)


def size_text(size: int) -> str:
    """1536 -> "2 KB", 10485760 -> "10 MB", 10485761 -> "10.1 MB"."""
    if size < 1048576:
        return f"{math.ceil(size / 1024)} KB"
    megabytes = math.ceil(size / 104857.6) / 10
    return f"{megabytes:g} MB"


def remove_attachment(actor: User, application: Application, attachment_id: int, now: datetime) -> None:
    """Take a file off the draft; it stays restorable for a while (see ``removed_files``)."""
    require_editable(actor, application, now)
    attachment = next((item for item in application.attachments if item.id == attachment_id), None)
    if attachment is None:
        raise NotFound(_("That file is not attached to this application."))
    set_aside_attachment(actor, application, attachment, now)
    record(
        actor,
        "application.attachment_removed",
        application,
        {"attachment": [_audit_name(AttachmentKind(attachment.kind), attachment.original_name), None]},
    )


def _audit_name(kind: AttachmentKind, name: str) -> str:
    """ "Case for support: plan.pdf", always in English: the audit log is not translated."""
    with force_locale("en"):
        return f"{kind.label}: {name}"


def _member_for(application: Application, kind: AttachmentKind, team_member_id: int | None):
    if kind is not AttachmentKind.CV:
        return None
    member = next((item for item in application.members if item.id == team_member_id), None)
    if member is None:
        raise ValidationError(_("Choose whose CV this is."), field="team_member_id")
    return member


def _question_for(application: Application, kind: AttachmentKind, question_key: str | None) -> str | None:
    if kind is not AttachmentKind.ANSWER:
        return None
    questions = application.question_set.questions if application.question_set else []
    if not any(item.key == question_key and item.kind == QuestionKind.FILE for item in questions):
        raise ValidationError(_("Choose which question this file answers."), field="question_key")
    return question_key
