"""Column values to and from the backup's JSON form, by a type tag recorded in the manifest.

Each column gets one tag from its model type when the backup is taken. The tag, not the dialect,
decides how a value is written and read back, so every value survives a trip between SQLite and
PostgreSQL exactly: integers as JSON integers (Python's are unbounded), floats by their shortest
round-trip repr, decimals as strings, datetimes as ISO 8601 with the zone, bytes as base64. A JSON
column is kept as the text the database holds, so SQL NULL (``null`` in the row) stays apart from
a JSON ``null`` (the text ``"null"``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    cast,
    column,
    null,
)
from sqlalchemy.types import TypeEngine

from grants.backup.errors import BackupError
from grants.timeutil import UTCDateTime

# The SQLAlchemy type each tag is read and written through (UTCDateTime keeps SQLite's naive
# UTC storage and returns aware datetimes from both dialects).
IO_TYPES: dict[str, TypeEngine] = {
    "int": BigInteger(),
    "float": Float(),
    "decimal": Numeric(asdecimal=True),
    "bool": Boolean(),
    "str": Text(),
    "bytes": LargeBinary(),
    "date": Date(),
    "datetime": UTCDateTime(),
    "json": JSON(),
}


def tag_for(type_: TypeEngine) -> str:
    """The tag for a model column type; an unknown kind of column is refused rather than guessed,
    so a new column type fails the backup test until it is handled here."""
    checks: tuple[tuple[type, str], ...] = (
        (UTCDateTime, "datetime"),
        (JSON, "json"),
        (Boolean, "bool"),
        (Float, "float"),
        (Numeric, "decimal"),
        (Integer, "int"),
        (Date, "date"),
        (String, "str"),
        (LargeBinary, "bytes"),
    )
    for kind, tag in checks:
        if isinstance(type_, kind):
            return tag
    if isinstance(type_, DateTime) and type_.timezone:
        return "datetime"
    raise BackupError(f"No backup encoding for column type {type_!r}")


def select_column(name: str, tag: str) -> ColumnElement:
    """What to select for a column: JSON as the stored text, everything else through its type."""
    if tag == "json":
        return cast(column(name, JSON()), Text())
    return column(name, IO_TYPES[tag])


def _encode_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise BackupError("A naive datetime in a zoned column")
    return value.isoformat()


_ENCODERS: dict[str, Callable[[Any], Any]] = {
    "decimal": str,
    "bytes": lambda value: base64.b64encode(value).decode("ascii"),
    "date": date.isoformat,
    "datetime": _encode_datetime,
}

_DECODERS: dict[str, Callable[[Any], Any]] = {
    "decimal": Decimal,
    "bytes": base64.b64decode,
    "date": date.fromisoformat,
    "datetime": datetime.fromisoformat,
    "json": json.loads,
}


def encode_row(values: tuple, tags: list[str]) -> bytes:
    """One row as a compact JSON array and a newline."""
    encoded = [
        value if value is None or tag not in _ENCODERS else _ENCODERS[tag](value)
        for value, tag in zip(values, tags, strict=True)
    ]
    return json.dumps(encoded, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def decode_row(line: bytes, names: list[str], tags: list[str]) -> dict[str, Any]:
    """A row line back into insert parameters. SQL NULL in a JSON column is bound as ``null()``;
    a JSON ``null`` comes back as None, which the JSON type writes as ``'null'``."""
    values = json.loads(line)
    if not isinstance(values, list) or len(values) != len(tags):
        raise BackupError(f"A row does not have the {len(tags)} columns the manifest lists")
    row = {}
    for name, tag, value in zip(names, tags, values, strict=True):
        if value is None:
            row[name] = null() if tag == "json" else None
        else:
            row[name] = _DECODERS[tag](value) if tag in _DECODERS else value
    return row
