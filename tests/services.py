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


def require_postgres() -> str:
    url = postgres_url()
    if not url:
        missing("TEST_DATABASE_URL is not set (PostgreSQL tests)")
    if not _reachable(url, 5432):
        missing(f"PostgreSQL at {url} is not reachable")
    return url


def require_redis() -> str:
    url = redis_url()
    if not url:
        missing("TEST_REDIS_URL is not set (Redis tests)")
    if not _reachable(url, 6379):
        missing(f"Redis at {url} is not reachable")
    return url


def require_chromium() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM
