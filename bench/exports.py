"""Officers' exports of a large call: rows, seconds, rows per second and peak Python memory for
each dataset and format.

A call of ``--applications`` applications and ``--reviews`` reviews is written by
``grants.demo.large_call`` into a temporary SQLite file, or into the PostgreSQL database
``--database-url`` names (dropped and created). Each export runs as
the download does: the dataset's rows (chunks of ids, the read transaction ended between chunks)
through the CSV or XLSX writer, every byte consumed. Each is run twice: once timed, once under
tracemalloc for the peak of memory Python allocated meanwhile (tracing slows the run, so the two
are kept apart). The call's awards and payments are also exported through the portfolio scope of
its programme.

Usage: .venv/bin/python bench/exports.py [--applications 10000] [--reviews 30000]
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/grants_bench] [--record]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import flask_migrate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import append_to_benchmarks, fresh_database, machine, refresh_statistics  # noqa: E402

from grants import create_app  # noqa: E402
from grants.accounts.models import User  # noqa: E402
from grants.calls.models import Call  # noqa: E402
from grants.demo.large_call import seed_large_call  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.insights.exports import Export, call_export, end_read, portfolio_export  # noqa: E402
from grants.insights.exports.writers import csv_stream, xlsx_stream  # noqa: E402
from grants.insights.services.scope import PortfolioScope  # noqa: E402

WRITERS = {
    "csv": lambda export: csv_stream(export.headers, export.rows),
    "xlsx": lambda export: xlsx_stream(export.headers, export.rows, export.title),
}


def counted(export: Export, tally: list[int]) -> Export:
    def rows() -> Iterator:
        for row in export.rows:
            tally[0] += 1
            yield row

    return Export(export.name, export.title, export.headers, rows())


def run(make: Callable[[], Export], fmt: str) -> tuple[int, int, float]:
    """Rows, bytes and seconds of one export, built and written as a download is."""
    tally = [0]
    size = 0
    started = time.perf_counter()
    for chunk in WRITERS[fmt](counted(make(), tally)):
        size += len(chunk)
    return tally[0], size, time.perf_counter() - started


def peak(make: Callable[[], Export], fmt: str) -> int:
    tracemalloc.start()
    try:
        run(make, fmt)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=30_000)
    parser.add_argument("--database-url", help="a PostgreSQL database to drop and create (default: SQLite)")
    parser.add_argument("--record", action="store_true", help="append the figures to docs/BENCHMARKS.md")
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="grants-bench-exports-")
    if args.database_url:
        fresh_database(args.database_url)
    url = args.database_url or f"sqlite:///{instance}/bench.sqlite"
    app = create_app("testing", {"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context(), app.test_request_context():
        flask_migrate.upgrade()
        started = time.perf_counter()
        large = seed_large_call(args.applications, reviews=args.reviews)
        db.session.commit()
        refresh_statistics(db.engine)
        print(
            f"{machine()}; {db.engine.dialect.name}\n"
            f"seeded {large.applications:,} applications, {large.reviews:,} reviews, {large.awards:,} awards "
            f"in {time.perf_counter() - started:.1f} s\n"
        )
        officer_id, call_id = large.officer_id, large.call_id
        scope = PortfolioScope(programme_id=large.programme_id)

        def call_maker(dataset: str) -> Callable[[], Export]:
            def make() -> Export:
                officer, call = db.session.get(User, officer_id), db.session.get(Call, call_id)
                return call_export(dataset, officer, call, release=end_read)

            return make

        def portfolio_maker(dataset: str) -> Callable[[], Export]:
            return lambda: portfolio_export(
                dataset, db.session.get(User, officer_id), scope, release=end_read
            )

        exports = [
            (f"call {name}", call_maker(name)) for name in ("applications", "reviews", "awards", "payments")
        ]
        exports += [(f"portfolio {name}", portfolio_maker(name)) for name in ("awards", "payments")]
        lines = [
            "| export | format | rows | MB | seconds | rows/s | peak Python MiB |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, make in exports:
            for fmt in WRITERS:
                rows, size, seconds = run(make, fmt)
                db.session.rollback()
                top = peak(make, fmt)
                db.session.rollback()
                lines.append(
                    f"| {name} | {fmt} | {rows:,} | {size / 1e6:.1f} | {seconds:.2f} | "
                    f"{rows / seconds:,.0f} | {top / 2**20:.1f} |"
                )
                print(lines[-1], flush=True)
        db.engine.dispose()
    if args.record:
        engine = "PostgreSQL" if args.database_url else "SQLite"
        command = "python bench/exports.py " + " ".join(sys.argv[1:])
        append_to_benchmarks(
            "\n".join(
                [
                    "",
                    f"## Exports (issue 7) — {date.today().isoformat()}, {machine()}",
                    "",
                    f"Command: `{command}` ({engine}; {large.applications:,} applications, "
                    f"{large.reviews:,} reviews, {large.awards:,} awards; each export built and written "
                    "as a download is, every byte consumed; peak memory from tracemalloc in a second run)",
                    "",
                    *lines,
                    "",
                ]
            )
        )


if __name__ == "__main__":
    main()
