"""Taking a backup: every table streamed in batches from one snapshot, then the files rows name."""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Connection, Table, column, select, table

from grants.applications.storage import path_of
from grants.backup.archive import CHUNK, write_member
from grants.backup.codec import encode_row, select_column, tag_for
from grants.backup.errors import BackupError
from grants.backup.manifest import MANIFEST_MEMBER, FileEntry, Manifest, TableEntry, file_member, table_member
from grants.backup.schema import code_head, database_revision
from grants.backup.snapshot import read_snapshot
from grants.extensions import db
from grants.timeutil import utcnow

# Live sign-in sessions stay behind: a restored session could be one its owner has since signed
# out or revoked, and after a restore everyone signing in afresh is the safe default.
EXCLUDED_TABLES = frozenset({"auth_sessions"})
# A column of this name holds the name of an uploaded file under UPLOAD_DIR (every StoredPdf).
FILE_COLUMN = "stored_name"
BATCH = 1000
# Owner read and write only (the umask can take bits away, never add them).
PRIVATE_MODE = 0o600


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    size: int
    seconds: float


def backup_name(now: datetime) -> str:
    return f"grants-backup-{now:%Y%m%dT%H%M%SZ}.zip"


def create_backup(destination: Path) -> BackupResult:
    """Write a backup of the app's database and uploads to ``destination``: a ``.zip`` file name,
    or else a folder (created if need be) that gets a file named by the time. The file appears
    only once it is complete."""
    started = time.perf_counter()
    now = utcnow()
    if destination.suffix == ".zip":
        target = destination
    else:
        destination.mkdir(parents=True, exist_ok=True)
        target = destination / backup_name(now)
    if target.exists():
        raise BackupError(f"{target} already exists")
    partial = target.with_name(target.name + ".part")
    try:
        # Readable by the owner alone from the first byte: the backup holds password hashes,
        # sealed two-factor secrets, personal data and live links in queued emails.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        raise BackupError(
            f"{partial} exists: another backup is being written there, or one was cut off (delete it)"
        ) from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            manifest = _write_archive(stream, now)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, manifest, target.stat().st_size, time.perf_counter() - started)


def _write_archive(stream: BinaryIO, now: datetime) -> Manifest:
    with read_snapshot(db.engine.url) as connection:
        revision = database_revision(connection)
        head = code_head()
        if revision != head:
            raise BackupError(
                f"The database is at revision {revision}, this code at {head}: back up with the code "
                "that matches the database (or run `grants db upgrade` first)"
            )
        manifest = Manifest(
            revision=revision,
            dialect=connection.dialect.name,
            created_at=now.isoformat(),
            excluded_tables=sorted(EXCLUDED_TABLES),
        )
        with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            stored_names: set[str] = set()
            for model_table in db.metadata.sorted_tables:
                if model_table.name not in EXCLUDED_TABLES:
                    manifest.tables.append(_dump_table(connection, archive, model_table, stored_names))
            _dump_files(archive, manifest, sorted(stored_names))
            archive.writestr(MANIFEST_MEMBER, manifest.to_json())
    return manifest


def _dump_table(
    connection: Connection, archive: zipfile.ZipFile, model_table: Table, stored_names: set[str]
) -> TableEntry:
    """Stream one table, ordered by primary key, into its member; note the files it names."""
    entry = TableEntry(model_table.name, [[col.name, tag_for(col.type)] for col in model_table.columns])
    order = [column(col.name) for col in (model_table.primary_key.columns or model_table.columns)]
    query = select(*(select_column(name, tag) for name, tag in entry.columns))
    rows = connection.execution_options(yield_per=BATCH).execute(
        query.select_from(table(model_table.name)).order_by(*order)
    )
    file_index = entry.names.index(FILE_COLUMN) if FILE_COLUMN in entry.names else None
    with write_member(archive, table_member(entry.name)) as member:
        for row in rows:
            member.write(encode_row(tuple(row), entry.tags))
            if file_index is not None and row[file_index]:
                stored_names.add(row[file_index])
    entry.rows, entry.bytes, entry.sha256 = member.lines, member.bytes, member.digest.hexdigest()
    return entry


def _dump_files(archive: zipfile.ZipFile, manifest: Manifest, stored_names: list[str]) -> None:
    """Copy each named upload in; a file already missing from disk is listed, not fatal, so a
    backup is still taken of everything else."""
    for name in stored_names:
        path = path_of(name)
        if not path.is_file():
            manifest.missing_files.append(name)
            continue
        with path.open("rb") as source, write_member(archive, file_member(name)) as member:
            shutil.copyfileobj(source, member, CHUNK)
        manifest.files.append(FileEntry(name, member.bytes, member.digest.hexdigest()))
