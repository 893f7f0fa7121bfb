"""Restoring a backup into an empty database: verify, check, then all rows in one transaction.

Every check that can refuse runs before anything is written: the archive's hashes and counts, the
revision (one this code knows), the database (empty), the upload folder (no different file under
a backed-up name). A fresh database is then migrated to the backup's revision. The files are
written first (before the rows that name them, as storage does), then the rows go in, parents
first, in one transaction that also resets PostgreSQL's sequences and compares counts. Last, the
schema is upgraded to this code's head if the backup is older. A failure while inserting rolls
every row back and removes the files written, leaving an empty database at the backup's revision,
which a second attempt accepts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, column, func, insert, inspect, select, table, text
from sqlalchemy.exc import SQLAlchemyError

from grants.applications.storage import path_of
from grants.backup.archive import CHUNK, open_backup, open_member, verify_backup
from grants.backup.codec import IO_TYPES, decode_row
from grants.backup.errors import BackupError
from grants.backup.manifest import FileEntry, Manifest, TableEntry, file_member, table_member
from grants.backup.schema import code_head, database_revision, known_revisions, migrate_to, nonempty_tables
from grants.extensions import db

BATCH = 1000


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    upgraded_to: str | None
    seconds: float


def restore_backup(path: Path) -> RestoreResult:
    """Restore the backup at ``path`` into the app's (empty) database and upload folder."""
    started = time.perf_counter()
    manifest = verify_backup(path)
    unknown = {tag for entry in manifest.tables for tag in entry.tags} - IO_TYPES.keys()
    if unknown:
        raise BackupError(f"The backup uses column types this code cannot read: {', '.join(sorted(unknown))}")
    if manifest.revision not in known_revisions():
        raise BackupError(
            f"The backup is at schema revision {manifest.revision}, which this code does not know: "
            "it was taken by a newer version of Grants; restore it with that version"
        )
    fresh = _require_empty_database(manifest)
    new_files = _files_to_write(manifest)
    if fresh:
        migrate_to(manifest.revision)
    with open_backup(path) as (archive, manifest):
        _restore_rows_and_files(archive, manifest, new_files)
    upgraded_to = None
    if manifest.revision != code_head():
        migrate_to("head")
        upgraded_to = code_head()
    return RestoreResult(manifest, upgraded_to, time.perf_counter() - started)


def _require_empty_database(manifest: Manifest) -> bool:
    """Whether the database is brand new (no tables); refuses one that holds any row or stands at
    another revision than the backup's."""
    engine = db.engine
    filled = nonempty_tables(engine)
    if filled:
        raise BackupError(
            "Restore only goes into an empty database; these tables hold rows: " + ", ".join(filled[:8])
        )
    with engine.connect() as connection:
        current = database_revision(connection)
    if current is None:
        if inspect(engine).get_table_names():
            raise BackupError("The database has tables but no Alembic revision: restore into a new database")
        return True
    if current != manifest.revision:
        raise BackupError(
            f"The database is at revision {current}, the backup at {manifest.revision}: "
            "restore into a new, empty database"
        )
    return False


def _sha256_of(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _files_to_write(manifest: Manifest) -> list[FileEntry]:
    """The backed-up files not already in the upload folder; refuses one that is there with other
    content, and any name that is not one of storage's own (a crafted ``../`` name)."""
    missing = []
    for entry in manifest.files:
        try:
            target = path_of(entry.name)
        except ValueError as error:
            raise BackupError(f"The backup names an unsafe file {entry.name!r}") from error
        if not target.exists():
            missing.append(entry)
        elif _sha256_of(target) != entry.sha256:
            raise BackupError(f"{target} exists with other content; restore will not overwrite it")
    return missing


def _restore_rows_and_files(archive: zipfile.ZipFile, manifest: Manifest, new_files: list[FileEntry]) -> None:
    """Files first, then rows, as storage does: a failure removes the files written."""
    written: list[Path] = []
    try:
        for entry in new_files:
            written.append(_write_file(archive, entry))
        with db.engine.begin() as connection:
            try:
                for entry in manifest.tables:
                    _insert_table(connection, archive, entry)
                _reset_sequences(connection)
            except SQLAlchemyError as error:
                reason = getattr(error, "orig", None) or error
                raise BackupError(f"The database refused the backup's rows: {reason}") from error
            _check_counts(connection, manifest)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def _insert_table(connection: Connection, archive: zipfile.ZipFile, entry: TableEntry) -> None:
    """Insert one table's rows in batches, typed by the manifest's tags."""
    target = table(entry.name, *(column(name, IO_TYPES[tag]) for name, tag in entry.columns))
    statement = insert(target)
    names, tags = entry.names, entry.tags
    batch = []
    with open_member(archive, table_member(entry.name)) as stream:
        for number, line in enumerate(stream, start=1):
            try:
                batch.append(decode_row(line, names, tags))
            except (ValueError, TypeError) as error:
                raise BackupError(f"Row {number} of {entry.name} cannot be read: {error}") from error
            if len(batch) == BATCH:
                connection.execute(statement, batch)
                batch = []
    if batch:
        connection.execute(statement, batch)


def _reset_sequences(connection: Connection) -> None:
    """Point each PostgreSQL sequence past the largest restored id, so new rows get fresh ids."""
    if connection.dialect.name != "postgresql":
        return
    owned = connection.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')"
        )
    )
    quote = connection.dialect.identifier_preparer.quote
    for table_name, column_name in owned:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "  # noqa: S608 (quoted names)
                f"coalesce(max({quote(column_name)}), 1), max({quote(column_name)}) IS NOT NULL) "
                f"FROM {quote(table_name)}"
            ),
            {"table": quote(table_name), "column": column_name},
        )


def _check_counts(connection: Connection, manifest: Manifest) -> None:
    for entry in manifest.tables:
        count = connection.scalar(select(func.count()).select_from(table(entry.name)))
        if count != entry.rows:
            raise BackupError(f"{entry.name} has {count} rows after the restore, the backup {entry.rows}")


def _write_file(archive: zipfile.ZipFile, entry: FileEntry) -> Path:
    """Write one upload as storage does: to a temporary name, on the disk (fsync) before it is
    renamed into place."""
    target = path_of(entry.name)
    temporary = target.with_name(target.name + ".restoring")
    with open_member(archive, file_member(entry.name)) as source, temporary.open("wb") as sink:
        shutil.copyfileobj(source, sink, CHUNK)
        sink.flush()
        os.fsync(sink.fileno())
    os.replace(temporary, target)
    return target
