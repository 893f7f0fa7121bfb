"""`grants backup` and `grants restore` on the demo data and on a large call: rows, files, archive
size, seconds to back up, to verify and to restore, and the process's peak memory.

Each data set is written into a fresh database (a temporary SQLite file, or the PostgreSQL
database ``--database-url`` names, dropped and created), backed up with ``create_backup``, checked
with ``verify_backup`` and restored with ``restore_backup`` into a second fresh database (SQLite,
or ``<name>_restore`` beside the PostgreSQL one), as the commands do. The large call is
``grants/demo/large_call.py`` with ``--applications`` applications and three reviews each.

``--trace-memory`` adds the peak of memory Python allocated during the backup and during the
restore (tracemalloc; it slows both, so take the times from a run without it): flat when rows are
streamed, whatever the size.

Usage: .venv/bin/python bench/backup_restore.py [--applications 2000] [--trace-memory]
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/grants_bench]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import flask_migrate
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import fresh_database, machine, peak_mib  # noqa: E402

from grants import create_app  # noqa: E402
from grants.backup.archive import verify_backup  # noqa: E402
from grants.backup.dump import create_backup  # noqa: E402
from grants.backup.restore import restore_backup  # noqa: E402
from grants.demo.calls import seed_demo_calls  # noqa: E402
from grants.demo.large_call import seed_large_call  # noqa: E402
from grants.demo.seed import seed_demo  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.timeutil import utcnow  # noqa: E402

T = TypeVar("T")


def _app(instance: Path, url: str | None):
    if url:
        fresh_database(url)
    uri = url or f"sqlite:///{instance / 'grants.sqlite'}"
    return create_app("testing", {"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": uri})


def _seed_demo() -> None:
    seed_demo()
    seed_demo_calls(utcnow())


def _peak_of(work: Callable[[], T], peaks: list[float]) -> T:
    """Run ``work``; when tracemalloc is on, note its peak of Python allocations in MiB."""
    if tracemalloc.is_tracing():
        tracemalloc.reset_peak()
    result = work()
    if tracemalloc.is_tracing():
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
    return result


def measure(label: str, seed: Callable[[], object], work: Path, url: str | None, trace: bool) -> str:
    """One table row of figures for a data set."""
    source = _app(work / "source", url)
    peaks: list[float] = []
    with source.app_context():
        flask_migrate.upgrade()
        seed()
        db.session.commit()
        if trace:
            tracemalloc.start()
        backup = _peak_of(lambda: create_backup(work), peaks)
        db.engine.dispose()
    started = time.perf_counter()
    verify_backup(backup.path)
    verify_seconds = time.perf_counter() - started
    target_url = (
        make_url(url).set(database=make_url(url).database + "_restore").render_as_string(hide_password=False)
        if url
        else None
    )
    target = _app(work / "target", target_url)
    with target.app_context():
        restored = _peak_of(lambda: restore_backup(backup.path), peaks)
        db.engine.dispose()
    tracemalloc.stop()
    manifest = backup.manifest
    rows = manifest.row_count
    return (
        f"| {label} | {rows:,} | {len(manifest.files):,} | {backup.size / 1e6:.2f} | "
        f"{backup.seconds:.2f} | {verify_seconds:.2f} | {restored.seconds:.2f} | "
        f"{rows / restored.seconds:,.0f} | {peak_mib():.0f} |" + "".join(f" {peak:.1f} |" for peak in peaks)
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--database-url", help="a PostgreSQL database to drop and create (default: SQLite)")
    parser.add_argument("--trace-memory", action="store_true", help="add Python's peak memory (slower)")
    args = parser.parse_args()
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{machine()}; {engine}\n")
    traced = " backup peak Python MiB | restore peak Python MiB |" if args.trace_memory else ""
    print(
        "| data | rows | files | archive MB | backup s | verify s | restore s | rows restored/s "
        "| process peak MiB |" + traced
    )
    print("| --- |" + " ---: |" * (10 if args.trace_memory else 8), flush=True)
    data_sets = [
        ("demo (`grants seed-demo`)", _seed_demo),
        (f"large call, {args.applications:,} applications", lambda: seed_large_call(args.applications)),
    ]
    for label, seed in data_sets:
        with tempfile.TemporaryDirectory(prefix="grants-bench-backup-") as work:
            print(measure(label, seed, Path(work), args.database_url, args.trace_memory), flush=True)


if __name__ == "__main__":
    main()
