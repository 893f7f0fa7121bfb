"""Backup and restore: the whole database and the uploaded files in one portable, verifiable zip.

A backup holds ``manifest.json`` (format version, Alembic revision, source dialect, creation time,
per-table columns with a type tag, row count and SHA-256, per-file size and SHA-256), one JSON-lines
member per table (``tables/<name>.jsonl``, one array per row, ordered by primary key) and the
uploaded files (``files/<stored name>``). Values are written by column type tag, not by dialect, so
a backup of the embedded SQLite database restores into PostgreSQL and back. See docs/OPERATIONS.md.
"""
