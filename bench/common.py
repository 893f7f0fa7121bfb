"""What every benchmark shares: the machine's description, a fresh PostgreSQL database, and
appending an entry to docs/BENCHMARKS.md."""

from __future__ import annotations

import os
import resource
import secrets
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    """Cores, CPU model and memory, as an entry in docs/BENCHMARKS.md names the machine."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory_kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    return f"{os.cpu_count()} cores ({model}), {memory_kib / 1024 / 1024:.1f} GiB"


def peak_mib() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_database(url: str) -> None:
    """Drop and create the PostgreSQL database ``url`` names."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def refresh_statistics(engine: Engine) -> None:
    """What PostgreSQL's autovacuum does within a minute of a bulk load: fresh planner statistics
    (without them the planner takes the seeded tables for empty)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def append_to_benchmarks(entry: str) -> None:
    with open(ROOT / "docs" / "BENCHMARKS.md", "a") as out:
        out.write(entry)


def production_settings(database_url: str, redis_url: str, work: Path) -> dict[str, str]:
    """The environment ``GRANTS_CONFIG=production`` reads, for a benchmark's own database, Redis
    and working folder (mail written to files there)."""
    (work / "mail").mkdir(exist_ok=True)
    (work / "uploads").mkdir(exist_ok=True)
    return {
        "GRANTS_CONFIG": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MAIL_DIR": str(work / "mail"),
        "UPLOAD_DIR": str(work / "uploads"),
        "GRANTS_INSTANCE_PATH": str(work),
    }
