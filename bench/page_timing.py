"""What the page benchmarks share: for each size of call, a fresh database seeded in bulk, the
people who read the pages signed in through the real form, each page fetched through the Flask
test client once to warm up and then ``--repeat`` times, and the median and slowest time with the
number of SQL statements per page; then the table, whether each page's count stays the same
across sizes, and the entry ``--record`` appends to docs/BENCHMARKS.md.

A benchmark script names its pages, says how to seed a call of a given size (and who reads
which page), and calls ``main``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import flask_migrate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import append_to_benchmarks, fresh_database, machine, refresh_statistics  # noqa: E402

from grants import create_app  # noqa: E402
from grants.accounts.models import User  # noqa: E402
from grants.demo.large_call import LargeCall  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.security.passwords import hash_password  # noqa: E402
from tests.factories import give_required_two_factor  # noqa: E402
from tests.integration.conftest import CommittingClient, sign_in_through_forms  # noqa: E402
from tests.query_counter import counting_queries  # noqa: E402

PASSWORD = "bench-reader-password-1"  # noqa: S105


@dataclass(frozen=True)
class Page:
    """A page to time: its name in the table, its path (``{call}`` and ``{programme}`` stand for
    the seeded call's), and who reads it (a key of ``Seeded.readers``)."""

    name: str
    path: str
    reader: str = "officer"


@dataclass
class Seeded:
    """What a seeder wrote: the call, and the user id of each kind of reader."""

    large: LargeCall
    readers: dict[str, int]

    def path(self, page: Page) -> str:
        return page.path.format(call=self.large.call_id, programme=self.large.programme_id)


def officer_only(seed: Callable[[int], LargeCall]) -> Callable[[int], Seeded]:
    """A seeder whose pages the call's officer reads."""

    def seeded(size: int) -> Seeded:
        large = seed(size)
        return Seeded(large, {"officer": large.officer_id})

    return seeded


def measure(
    size: int, url: str | None, repeat: int, pages: Sequence[Page], seed: Callable[[int], Seeded]
) -> list[dict]:
    instance = tempfile.mkdtemp(prefix="grants-bench-")
    if url:
        fresh_database(url)
    database = url or f"sqlite:///{instance}/bench.sqlite"
    app = create_app("testing", {"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": database})
    # Requests run inside the benchmark's app context, so they would share ``g`` (and with it the
    # signed-in user Flask-Login caches there) and the database session with what it has loaded:
    # each request must start afresh, as in production, where each has its own.
    app.test_client_class = CommittingClient
    results = []
    with app.app_context():
        flask_migrate.upgrade()
        started = time.perf_counter()
        seeded = seed(size)
        readers = {who: db.session.get(User, user_id) for who, user_id in seeded.readers.items()}
        for reader in readers.values():
            reader.password_hash = hash_password(PASSWORD)
            give_required_two_factor(reader)  # officers sign in with a code, as in production
        db.session.commit()
        refresh_statistics(db.engine)
        seconds = time.perf_counter() - started
        large = seeded.large
        print(f"seeded {size:,} applications, {large.reviews:,} reviews in {seconds:.1f} s")
        clients = {}
        for who, reader in readers.items():
            clients[who] = app.test_client()
            signed_in = sign_in_through_forms(clients[who], reader.email, PASSWORD)
            assert signed_in.status_code == 302, f"{who} could not sign in"
        for page in pages:
            client, path = clients[page.reader], seeded.path(page)
            assert client.get(path).status_code == 200, path
            times = []
            for _ in range(repeat):
                db.session.remove()
                with counting_queries() as statements:
                    started = time.perf_counter()
                    response = client.get(path)
                    times.append(time.perf_counter() - started)
                assert response.status_code == 200, path
            results.append(
                {
                    "size": size,
                    "reviews": large.reviews,
                    "page": page.name,
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


@dataclass(frozen=True)
class Benchmark:
    """One page benchmark: its pages, its seeder, and how its docs/BENCHMARKS.md entry reads."""

    script: str
    description: str
    pages: Sequence[Page]
    seed: Callable[[int], Seeded]
    heading: str
    readers: str


def main(benchmark: Benchmark, argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=benchmark.description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL database to drop and create (default: SQLite)")
    parser.add_argument("--record", action="store_true", help="append the figures to docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    results = [
        row
        for size in args.sizes
        for row in measure(size, args.database_url, args.repeat, benchmark.pages, benchmark.seed)
    ]
    lines = table(results)
    print("\n".join(lines))
    counts = {(r["page"], r["size"]): r["queries"] for r in results}
    for page in benchmark.pages:
        per_size = {counts[(page.name, size)] for size in args.sizes}
        print(f"{page.name}: queries {'constant' if len(per_size) == 1 else 'GROW'} across sizes")
    if args.record:
        engine = "PostgreSQL" if args.database_url else "SQLite"
        command = f"python bench/{benchmark.script} " + " ".join(sys.argv[1:] if argv is None else argv)
        append_to_benchmarks(
            "\n".join(
                [
                    "",
                    f"## {benchmark.heading} — {date.today().isoformat()}, {machine()}",
                    "",
                    f"Command: `{command}` ({engine}; {benchmark.readers}, pages through the Flask "
                    f"test client, {args.repeat} runs after one warm-up)",
                    "",
                    *lines,
                    "",
                ]
            )
        )
