"""Files someone removed and may want back: kept, restorable, for ``REMOVED_FILES_KEEP_DAYS``.

A removed file moves to a table of its own rather than staying in ``attachments`` with a
``removed_at`` mark: every existing query on attachments (the section checklist, the submission
rules, downloads, exports, the reviewers' pages) stays right without a filter each place would
have to remember.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from grants.applications.models import AttachmentPlace, StoredPdf
from grants.extensions import db
from grants.timeutil import UTCDateTime

STORED_PDF_COLUMNS = ("original_name", "stored_name", "size_bytes", "sha256", "uploaded_by_id", "uploaded_at")


def stored_pdf_values(row: StoredPdf) -> dict[str, Any]:
    """The ``StoredPdf`` columns of ``row``, to move a file between a live and a removed row."""
    return {name: getattr(row, name) for name in STORED_PDF_COLUMNS}


class RemovedFile(StoredPdf):
    """The columns of a stored PDF plus who removed it and when."""

    removed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def removed_by(cls):
        return relationship("User", foreign_keys=[cls.removed_by_id])


class RemovedAttachment(AttachmentPlace, RemovedFile, db.Model):
    """An application attachment removed (or replaced) while the application was a draft."""

    __tablename__ = "removed_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)


class RemovedReportFile(RemovedFile, db.Model):
    """A file removed from a report the team was still writing."""

    __tablename__ = "removed_report_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
