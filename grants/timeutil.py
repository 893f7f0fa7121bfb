"""UTC time: one clock for the whole app, and a column type that keeps times aware."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# Set only while the demo plays its history forward (``clock_at``); never in a request or task.
# Where a person or record without a time zone of its own is placed (the programme's home).
DEFAULT_ZONE = "Europe/London"

_set_back: ContextVar[datetime | None] = ContextVar("grants_clock_set_back", default=None)


def utcnow() -> datetime:
    return _set_back.get() or datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Read the clock as ``moment`` inside the block, so what the demo seeds (audit events
    included) carries the date its story gives it, not the date it was seeded."""
    token = _set_back.set(moment)
    try:
        yield
    finally:
        _set_back.reset(token)


class UTCDateTime(TypeDecorator):
    """Stores UTC; always returns aware datetimes, also from SQLite, which keeps no zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
