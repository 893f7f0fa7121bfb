"""Which schema revision a database is at, and which revisions this code knows."""

from __future__ import annotations

import flask_migrate
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import Connection, Engine, func, inspect, select, table

from grants.backup.errors import BackupError


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def code_head() -> str:
    """The newest revision among this code's migrations."""
    head = _scripts().get_current_head()
    if head is None:
        raise BackupError("This code has no migrations")
    return head


def known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def database_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def nonempty_tables(engine: Engine) -> list[str]:
    """Tables (other than Alembic's own) that hold at least one row."""
    names = [name for name in inspect(engine).get_table_names() if name != "alembic_version"]
    with engine.connect() as connection:
        return [name for name in names if connection.scalar(select(func.count()).select_from(table(name)))]


def migrate_to(revision: str) -> None:
    """Run this code's migrations on the app's database up to ``revision``."""
    flask_migrate.upgrade(revision=revision)
