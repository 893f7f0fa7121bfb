"""Keeping the upload folder in step with the database.

Files are written before the row that names them is committed, and rows are deleted without
touching files, so neither a rollback nor a crash can leave a row without its file. What is left
over is an unreferenced file, which this sweep deletes once it is old enough that no transaction
can still be about to commit it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CompoundSelect, select, union_all

from grants.applications.models import Attachment
from grants.applications.removed_models import RemovedAttachment, RemovedReportFile
from grants.applications.storage import upload_root
from grants.awards.models import ReportFile
from grants.extensions import db

GRACE = timedelta(hours=1)
# Every table whose rows name a stored file; removed files are kept while they can be restored.
STORED_FILE_MODELS = (Attachment, ReportFile, RemovedAttachment, RemovedReportFile)


def _stored_names(name: str | None = None) -> CompoundSelect:
    """The stored names every table names, in one statement: a restore or a removal moves a row
    between a live and a removed table in one transaction, and one statement sees one moment
    even under READ COMMITTED, so it finds the name in one table or the other. Reading the
    tables one query each could see the row in neither, and delete a file just restored."""
    parts = []
    for model in STORED_FILE_MODELS:
        part = select(model.stored_name.label("stored_name"))
        parts.append(part if name is None else part.where(model.stored_name == name))
    return union_all(*parts)


def purge_orphan_uploads(now: datetime) -> int:
    """Delete stored files that no application attachment or report file, live or recently
    removed, names and that are older than ``GRACE``. Each candidate is looked up once more
    just before it goes, so a row committed since the first read keeps its file."""
    referenced = set(db.session.scalars(_stored_names()))
    removed = 0
    cutoff = (now - GRACE).timestamp()
    for path in upload_root().iterdir():
        if path.name in referenced or not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        if db.session.scalars(_stored_names(path.name).limit(1)).first() is not None:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed
