"""Every kind of column value through the backup's own table writer and reader, on SQLite and
PostgreSQL."""

import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    Interval,
    LargeBinary,
    MetaData,
    Table,
    Text,
    create_engine,
    insert,
    null,
    select,
)

from grants.backup.codec import tag_for
from grants.backup.dump import _dump_table
from grants.backup.errors import BackupError
from grants.backup.restore import _insert_table
from grants.timeutil import UTCDateTime
from tests.services import require_postgres


@pytest.fixture
def db_session():
    """Tables of their own here, not the tier's shared transaction."""


PROBE = Table(
    "backup_probe",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("big", BigInteger),
    Column("ratio", Float),
    Column("raw", LargeBinary),
    Column("doc", JSON, nullable=True),
    Column("at", UTCDateTime),
    Column("day", Date),
    Column("flag", Boolean),
    Column("words", Text),
)
PROBE_ROWS = [
    {
        "id": 1,
        "big": -(2**62) - 7,
        "ratio": 1 / 3,
        "raw": bytes(range(256)),
        "doc": {"键": [None, 1.5, "\u2028"]},
        "at": datetime(2026, 12, 5, 19, 30, 1, 123456, tzinfo=ZoneInfo("Asia/Shanghai")),
        "day": date(1999, 12, 31),
        "flag": True,
        "words": 'line\nbreak "quoted" \\ 🌾',
    },
    {"id": 2, "doc": JSON.NULL, "flag": False, "ratio": 5e-324, "words": ""},
    {"id": 3, "doc": null()},
]
PROBE_ROWS = [{column.name: None for column in PROBE.columns} | row for row in PROBE_ROWS]


def probe_rows(connection) -> list[tuple]:
    return list(connection.execute(select(PROBE, PROBE.c.doc.is_(None)).order_by(PROBE.c.id)))


@pytest.mark.parametrize("target", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_every_kind_of_value_comes_back_exactly(tmp_path, target):
    """Edge values of each column type, through the backup's own table writer and reader; SQL NULL
    and JSON null stay apart in a JSON column."""
    source = create_engine(f"sqlite:///{tmp_path / 'probe.sqlite'}")
    destination = create_engine(
        require_postgres() if target == "postgresql" else f"sqlite:///{tmp_path / 'b'}"
    )
    buffer = io.BytesIO()
    try:
        for engine in (source, destination):
            PROBE.drop(engine, checkfirst=True)
            PROBE.create(engine)
        with source.begin() as connection:
            connection.execute(insert(PROBE), PROBE_ROWS)
        with source.connect() as connection, zipfile.ZipFile(buffer, "w") as archive:
            entry = _dump_table(connection, archive, PROBE, set())
            expected = probe_rows(connection)
        with destination.begin() as connection, zipfile.ZipFile(buffer) as archive:
            _insert_table(connection, archive, entry)
        with destination.connect() as connection:
            assert probe_rows(connection) == expected
        assert [row[-1] for row in expected] == [False, False, True]
    finally:
        PROBE.drop(destination, checkfirst=True)
        source.dispose()
        destination.dispose()


def test_a_column_type_without_an_encoding_is_refused():
    """A model column of a new kind stops the backup rather than being written some guessed way."""
    assert tag_for(UTCDateTime()) == "datetime"
    with pytest.raises(BackupError, match="No backup encoding for column type Interval"):
        tag_for(Interval())
