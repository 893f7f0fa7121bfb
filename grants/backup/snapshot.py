"""One read transaction for the whole backup, so every table is read as of the same moment.

PostgreSQL: a READ ONLY, REPEATABLE READ transaction (a snapshot, as pg_dump takes). SQLite: a
plain deferred BEGIN on a connection of its own; in WAL mode the first read fixes the snapshot and
writers carry on meanwhile. The app's own engine is not used because on SQLite it begins
IMMEDIATE, which would hold the write lock, and stop every request that writes, for the whole
backup.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from grants.backup.errors import BackupError


def _snapshot_engine(url: URL) -> tuple[Engine, dict]:
    backend = url.get_backend_name()
    if backend == "postgresql":
        engine = create_engine(url, poolclass=NullPool, isolation_level="REPEATABLE READ")
        return engine, {"postgresql_readonly": True}
    if backend == "sqlite":
        engine = create_engine(url, poolclass=NullPool)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA busy_timeout=10000")

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            connection.exec_driver_sql("BEGIN")

        return engine, {}
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {backend}")


@contextmanager
def read_snapshot(url: URL) -> Iterator[Connection]:
    """A connection inside one read-only transaction, rolled back (nothing to keep) at the end."""
    engine, options = _snapshot_engine(url)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(**options)
            with connection.begin() as transaction:
                yield connection
                transaction.rollback()
    finally:
        engine.dispose()
