"""Counting the SQL statements a block of code runs, to pin N+1-free pages."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from grants.extensions import db


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """The SQL statements run inside the block, in order."""
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
