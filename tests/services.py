"""Which external services the suite may use, and what to do when one is missing.

PostgreSQL and Redis come from ``TEST_DATABASE_URL`` and ``TEST_REDIS_URL`` (never the app's own
``DATABASE_URL``, so a developer's database is never wiped). Without them those tests skip with a
reason; under ``CI=true`` a missing service fails the run instead.
"""

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, make_url, text

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def redis_url() -> str | None:
    return os.environ.get("TEST_REDIS_URL")


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), 2):
            return True
    except OSError:
        return False


def missing(reason: str) -> None:
    """Skip, or fail under CI, because a service the test needs is not there."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _require(url: str | None, variable: str, service: str, default_port: int) -> str:
    if not url:
        missing(f"{variable} is not set ({service} tests)")
    if not _reachable(url, default_port):
        missing(f"{service} at {url} is not reachable")
    return url


def require_postgres() -> str:
    return _require(postgres_url(), "TEST_DATABASE_URL", "PostgreSQL", 5432)


def require_redis() -> str:
    return _require(redis_url(), "TEST_REDIS_URL", "Redis", 6379)


def require_chromium() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


def fresh_postgres_database(suffix: str) -> str:
    """A new, empty PostgreSQL database beside the test one (named after it plus ``_suffix``; one
    left over from an earlier run is dropped first), for data that is really committed: its URL."""
    url = make_url(require_postgres())
    name = f"{url.database}_{suffix}"
    _as_administrator(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(suffix: str) -> None:
    """Drop what ``fresh_postgres_database(suffix)`` created."""
    url = make_url(require_postgres())
    _as_administrator(url, f'DROP DATABASE IF EXISTS "{url.database}_{suffix}" WITH (FORCE)')


def _as_administrator(url, *statements: str) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        admin.dispose()
