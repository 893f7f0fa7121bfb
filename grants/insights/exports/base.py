"""What every export is made of: a header list and a generator of plain rows, read from the
database a chunk of ids at a time, so that neither memory nor the number of queries per row grows
with the size of the call.

Rows are read as columns, not ORM objects: a fixed number of queries per chunk, nothing lazily
loaded, and several times the speed (building and tracking objects costs more than the query)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import Select, false, func
from sqlalchemy.orm import InstrumentedAttribute

from grants.extensions import db

CHUNK_SIZE = 500
# Column headers and cells are English in every export (see ``chunked_rows``).
EXPORT_LOCALE = "en"

Row = tuple[Any, ...]
# Called between chunks, once a chunk's rows are plain values (see ``end_read``).
Release = Callable[[], None]


@dataclass
class Export:
    """One dataset: ``name`` goes into the file name, ``title`` names the worksheet."""

    name: str
    title: str
    headers: list[str]
    rows: Iterator[Row]


def as_of_now(ids: Select, column: InstrumentedAttribute) -> Select:
    """``ids`` limited to the rows that exist now. A download reads in chunks over seconds, in
    fresh transactions; rows added meanwhile were never checked against the officer's conflicts
    (worked out when the export starts), so they stay out, as does anything they would need."""
    ceiling = db.session.scalar(ids.with_only_columns(func.max(column)))
    return ids.where(column <= ceiling) if ceiling is not None else ids.where(false())


def id_chunks(ids: Select, column: InstrumentedAttribute, size: int = CHUNK_SIZE) -> Iterator[list[int]]:
    """The ids ``ids`` selects, ascending, ``size`` at a time. Each chunk is its own keyset query
    (``id > last``), so no cursor stays open while rows are written out."""
    last: int | None = None
    while True:
        statement = ids if last is None else ids.where(column > last)
        chunk = list(db.session.scalars(statement.order_by(column).limit(size)))
        if chunk:
            yield chunk
        if len(chunk) < size:
            return
        last = chunk[-1]


def chunked_rows(
    chunks: Iterator[list[int]], build: Callable[[list[int]], Sequence[Row]], release: Release | None
) -> Iterator[Row]:
    """The rows ``build`` makes from each chunk of ids. A chunk becomes plain values before any
    row is handed on, so ``release`` may end the read transaction while the client downloads.
    Exports are files for other programs: their cells (status labels, say) stay in English
    whatever the officer's language, so rows are built with the English locale."""
    for chunk in chunks:
        with force_locale(EXPORT_LOCALE):
            rows = build(chunk)
        if release is not None:
            release()
        yield from rows


def end_read() -> None:
    """End the read transaction between chunks of a streamed export, so a slow download holds
    neither a database lock (SQLite transactions begin IMMEDIATE, so an open one blocks every
    writer) nor an idle transaction. Only for a response whose request has already committed, so
    there is nothing left to write; committing (not rolling back) keeps it so if that ever changes."""
    db.session.commit()


def application_reference(reference: str | None, application_id: int) -> str:
    """As ``Application.display_reference``, from the two columns (rows are read as columns)."""
    return reference or f"Draft {application_id}"


def local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A stored UTC time as the wall-clock time in ``zone``, without a zone (spreadsheets have none)."""
    return moment.astimezone(zone).replace(tzinfo=None) if moment is not None else None
