"""Time and SQL query count of the officers' insight pages at two sizes of call.

For each size, a fresh database gets one call written by ``grants.demo.large_call`` (N applications,
3N reviews, N/10 reviewers, decisions, awards and payments). An officer signs in through the real
form, and each page is fetched through the Flask test client: once to warm up, then ``--repeat``
times. Prints the median and slowest time and the number of SQL statements per page; the counts
must be the same at both sizes.

Usage: .venv/bin/python bench/insights_dashboard.py [--sizes 1000 10000] [--repeat 5]
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/grants_bench] [--record]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import flask_migrate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import append_to_benchmarks, fresh_database, machine, refresh_statistics  # noqa: E402

from grants import create_app  # noqa: E402
from grants.accounts.models import User  # noqa: E402
from grants.demo.large_call import seed_large_call  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.security.passwords import hash_password  # noqa: E402
from tests.integration.conftest import post_form  # noqa: E402
from tests.query_counter import counting_queries  # noqa: E402

PASSWORD = "bench-officer-password-1"  # noqa: S105
PAGES = (
    ("call dashboard", "/manage/calls/{call}/dashboard"),
    ("programme dashboard", "/manage/programmes/{programme}/dashboard"),
    ("portfolio", "/manage/insights"),
)


def measure(size: int, url: str | None, repeat: int) -> list[dict]:
    instance = tempfile.mkdtemp(prefix="grants-bench-")
    if url:
        fresh_database(url)
    database = url or f"sqlite:///{instance}/bench.sqlite"
    app = create_app("testing", {"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": database})
    results = []
    with app.app_context():
        flask_migrate.upgrade()
        started = time.perf_counter()
        large = seed_large_call(size)
        officer = db.session.get(User, large.officer_id)
        officer.password_hash = hash_password(PASSWORD)
        db.session.commit()
        refresh_statistics(db.engine)
        seconds = time.perf_counter() - started
        print(f"seeded {size:,} applications, {large.reviews:,} reviews in {seconds:.1f} s")
        client = app.test_client()
        post_form(client, "/sign-in", {"email": officer.email, "password": PASSWORD})
        for name, pattern in PAGES:
            page = pattern.format(call=large.call_id, programme=large.programme_id)
            assert client.get(page).status_code == 200, page
            times = []
            for _ in range(repeat):
                with counting_queries() as statements:
                    started = time.perf_counter()
                    response = client.get(page)
                    times.append(time.perf_counter() - started)
                assert response.status_code == 200
            results.append(
                {
                    "size": size,
                    "reviews": large.reviews,
                    "page": name,
                    "median_ms": statistics.median(times) * 1000,
                    "max_ms": max(times) * 1000,
                    "queries": len(statements),
                }
            )
        db.engine.dispose()
    return results


def table(results: list[dict]) -> list[str]:
    lines = [
        "| applications | reviews | page | median ms | slowest ms | SQL queries |",
        "| ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['reviews']:,} | {r['page']} | **{r['median_ms']:.0f}** | "
            f"{r['max_ms']:.0f} | {r['queries']} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL database to drop and create (default: SQLite)")
    parser.add_argument("--record", action="store_true", help="append the figures to docs/BENCHMARKS.md")
    args = parser.parse_args()
    results = [row for size in args.sizes for row in measure(size, args.database_url, args.repeat)]
    lines = table(results)
    print("\n".join(lines))
    counts = {(r["page"], r["size"]): r["queries"] for r in results}
    for name, _ in PAGES:
        per_size = {counts[(name, size)] for size in args.sizes}
        print(f"{name}: queries {'constant' if len(per_size) == 1 else 'GROW'} across sizes")
    if args.record:
        engine = "PostgreSQL" if args.database_url else "SQLite"
        command = "python bench/insights_dashboard.py " + " ".join(sys.argv[1:])
        append_to_benchmarks(
            "\n".join(
                [
                    "",
                    f"## Insight pages (issue 7) — {date.today().isoformat()}, {machine()}",
                    "",
                    f"Command: `{command}` ({engine}; the officer signed in, pages through the Flask "
                    f"test client, {args.repeat} runs after one warm-up)",
                    "",
                    *lines,
                    "",
                ]
            )
        )


if __name__ == "__main__":
    main()
