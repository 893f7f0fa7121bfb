"""The backup zip: members written and read as streams, hashed on the way, checked against the
manifest. A zip rather than a tarball because its members can be read in any order (the manifest
first) and its central directory, written last, makes a truncated file unreadable at once."""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from grants.backup.errors import BackupError
from grants.backup.manifest import MANIFEST_MEMBER, Manifest, file_member, table_member

CHUNK = 1024 * 1024
# What a damaged or cut-off zip raises while it is read.
DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError)


class HashingWriter:
    """A member being written: counts bytes and lines and hashes them as they pass."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.digest = hashlib.sha256()
        self.bytes = 0
        self.lines = 0

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.digest.update(data)
        self.bytes += len(data)
        self.lines += data.count(b"\n")


@contextmanager
def write_member(archive: zipfile.ZipFile, name: str) -> Iterator[HashingWriter]:
    with archive.open(name, "w", force_zip64=True) as stream:
        yield HashingWriter(stream)


@contextmanager
def open_backup(path: Path) -> Iterator[tuple[zipfile.ZipFile, Manifest]]:
    """The archive and its manifest; damage found while the caller reads becomes a BackupError."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}")
    try:
        with zipfile.ZipFile(path) as archive:
            with open_member(archive, MANIFEST_MEMBER) as stream:
                manifest = Manifest.from_json(stream.read())
            yield archive, manifest
    except DAMAGE as error:
        raise BackupError(f"{path.name} is damaged or truncated: {error}") from error


@contextmanager
def open_member(archive: zipfile.ZipFile, name: str) -> Iterator[IO[bytes]]:
    if name not in archive.NameToInfo:
        raise BackupError(f"The backup has no {name}")
    with archive.open(name) as stream:
        yield stream


def _check(archive: zipfile.ZipFile, name: str, sha256: str, size: int, lines: int | None) -> None:
    digest = hashlib.sha256()
    seen_bytes = seen_lines = 0
    with open_member(archive, name) as stream:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            digest.update(chunk)
            seen_bytes += len(chunk)
            seen_lines += chunk.count(b"\n")
    if digest.hexdigest() != sha256 or seen_bytes != size:
        raise BackupError(
            f"{name} does not match its SHA-256 in the manifest: the backup was changed or damaged"
        )
    if lines is not None and seen_lines != lines:
        raise BackupError(f"{name} holds {seen_lines} rows, the manifest says {lines}")


def check_members(archive: zipfile.ZipFile, manifest: Manifest) -> None:
    """Re-read every table and file member; raise at the first that differs from the manifest."""
    for table in manifest.tables:
        _check(archive, table_member(table.name), table.sha256, table.bytes, table.rows)
    for stored in manifest.files:
        _check(archive, file_member(stored.name), stored.sha256, stored.bytes, None)


def verify_backup(path: Path) -> Manifest:
    """The manifest of a backup whose every member matches its hash, size and row count."""
    with open_backup(path) as (archive, manifest):
        check_members(archive, manifest)
    return manifest
