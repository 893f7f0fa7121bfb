"""Messages per second delivered by one Celery worker to a local SMTP server.

The production path end to end: N outbox rows written in one transaction on PostgreSQL, handed to
Redis on commit, taken by one worker process (threads pool, as in the Procfile), each row locked,
rendered (HTML and plain text, in its recipient's language), sent over SMTP to an aiosmtpd server
in this process, and marked sent. Timed from the commit to the last message accepted.

Usage: .venv/bin/python bench/outbox_throughput.py [--messages 2000] [--concurrency 1 2 4]
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/grants_bench]
       [--redis-url redis://127.0.0.1:6379/14] [--record]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import append_to_benchmarks, fresh_database, machine  # noqa: E402

from grants import create_app  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.notifications.services import queue_email  # noqa: E402
from tests.integration.live.smtp import SmtpSink  # noqa: E402
from tests.integration.live.worker import (  # noqa: E402
    environment,
    grants_command,
    production_settings,
    start_worker,
    stop,
    wait_for,
)

LANGUAGES = ("en", "zh_Hans")


class Recipient:
    """Half the messages in English, half in Chinese, in two time zones."""

    def __init__(self, n: int):
        self.id = None
        self.language = LANGUAGES[n % 2]
        self.time_zone = ("Europe/London", "Asia/Shanghai")[n % 2]


def run(messages: int, concurrency: int, database_url: str, redis_url: str, folder: Path) -> dict:
    fresh_database(database_url)
    redis.Redis.from_url(redis_url).flushdb()
    with SmtpSink() as smtp:
        settings = production_settings(folder, database_url, redis_url, smtp.url)
        env = environment(**settings)
        grants_command(env, "db", "upgrade")
        os.environ.update(settings)
        web = create_app("production")
        with open(folder / f"worker-{concurrency}.log", "wb") as log:
            worker = start_worker(env, log, pool="threads", concurrency=concurrency)
            try:
                time.sleep(3)  # let the worker connect, so its start-up is not timed
                with web.app_context():
                    for n in range(messages):
                        queue_email(
                            template="review_reminder",
                            key=f"bench:{concurrency}:{n}",
                            recipient_email=f"reviewer{n}@example.org",
                            recipient=Recipient(n),
                            context={
                                "name": f"Reviewer {n}",
                                "title": "Heat-tolerant wheat for the North China Plain",
                                "call": "Flagship Challenge Programme 2027",
                                "due_at": "2027-03-01T16:00:00+00:00",
                                "link": f"https://grants.example.org/reviews/{n}",
                            },
                        )
                    db.session.commit()  # hands every row to Redis
                    started = time.perf_counter()
                wait_for(lambda: len(smtp.received) >= messages, timeout=600, interval=0.05)
                elapsed = time.perf_counter() - started
            finally:
                stop(worker)
        with web.app_context():
            db.engine.dispose()
        copies = smtp.copies()
    return {
        "concurrency": concurrency,
        "messages": messages,
        "seconds": elapsed,
        "rate": messages / elapsed,
        "duplicates": sum(n - 1 for n in copies.values()),
    }


def record(results: list[dict], command: str) -> None:
    lines = [
        "",
        f"## Email delivery (issue 6) — {date.today().isoformat()}, {machine()}",
        "",
        f"Command: `{command}`",
        "",
        "One worker process (threads pool), PostgreSQL, Redis, an aiosmtpd server on the same machine;",
        "half the messages in English, half in Chinese; from the commit to the last message accepted.",
        "",
        "| worker threads | messages | seconds | messages/s | duplicates |",
        "| ---: | ---: | ---: | ---: | ---: |",
        *[_row(r) for r in results],
        "",
    ]
    append_to_benchmarks("\n".join(lines))


def _row(r: dict) -> str:
    cells = [r["concurrency"], r["messages"], f"{r['seconds']:.1f}", f"**{r['rate']:.0f}**", r["duplicates"]]
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/grants_bench"
        ),
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--record", action="store_true", help="append the figures to docs/BENCHMARKS.md")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for concurrency in args.concurrency:
            result = run(args.messages, concurrency, args.database_url, args.redis_url, Path(folder))
            results.append(result)
            print(
                f"{result['messages']} messages, {concurrency} worker thread(s): {result['seconds']:.1f} s, "
                f"{result['rate']:.0f} messages/s, {result['duplicates']} duplicates"
            )
    if args.record:
        record(results, "python bench/outbox_throughput.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
