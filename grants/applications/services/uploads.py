"""Keeping the upload folder in step with the database.

Files are written before the row that names them is committed, and rows are deleted without
touching files, so neither a rollback nor a crash can leave a row without its file. What is left
over is an unreferenced file, which this sweep deletes once it is old enough that no transaction
can still be about to commit it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from grants.applications.models import Attachment
from grants.applications.storage import upload_root
from grants.awards.models import ReportFile
from grants.extensions import db

GRACE = timedelta(hours=1)


def purge_orphan_uploads(now: datetime) -> int:
    """Delete stored files that no application attachment or report file names and that are
    older than ``GRACE``."""
    referenced = set(db.session.scalars(select(Attachment.stored_name)))
    referenced |= set(db.session.scalars(select(ReportFile.stored_name)))
    removed = 0
    cutoff = (now - GRACE).timestamp()
    for path in upload_root().iterdir():
        if path.name in referenced or not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed
