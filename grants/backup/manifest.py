"""The manifest: what a backup holds and the figures that prove it arrived whole."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from grants.backup.errors import BackupError

FORMAT = "grants-backup"
FORMAT_VERSION = 1
MANIFEST_MEMBER = "manifest.json"


def table_member(name: str) -> str:
    return f"tables/{name}.jsonl"


def file_member(stored_name: str) -> str:
    return f"files/{stored_name}"


@dataclass
class TableEntry:
    """One table: its columns as ``[name, tag]`` pairs in row order, and its member's figures."""

    name: str
    columns: list[list[str]]
    rows: int = 0
    bytes: int = 0
    sha256: str = ""

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    @property
    def tags(self) -> list[str]:
        return [tag for _, tag in self.columns]


@dataclass
class FileEntry:
    name: str
    bytes: int
    sha256: str


@dataclass
class Manifest:
    """Tables are listed in foreign-key order (parents first), the order a restore inserts them."""

    revision: str
    dialect: str
    created_at: str
    tables: list[TableEntry] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    excluded_tables: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def row_count(self) -> int:
        return sum(table.rows for table in self.tables)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=1, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data: dict[str, Any] = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError("This file is not a Grants backup (its manifest names another format)")
            if data.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"Backup format version {data.get('format_version')} is not supported "
                    f"(this code reads version {FORMAT_VERSION})"
                )
            data["tables"] = [TableEntry(**entry) for entry in data["tables"]]
            data["files"] = [FileEntry(**entry) for entry in data["files"]]
            return cls(**data)
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"The backup's manifest is unreadable: {error}") from error
