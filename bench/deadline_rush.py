"""The last hour before a deadline, on one machine set up as production: gunicorn with the project's
``gunicorn.conf.py``, PostgreSQL, Redis and a Celery worker delivering the receipts.

A call closing in two hours gets ``--drafts`` complete joint drafts (``grants/demo/ready_drafts.py``).
Locust (``bench/rush/locustfile.py``) then runs five phases against it:

1. the ceiling: ``--writers`` users POST to a minimal Flask + SQLAlchemy app
   (``bench/rush/ceiling_app.py``) that inserts one row per request, same gunicorn settings, same
   database;
2. writes: as many users sign in, open a draft, save it ten times and submit it, without pausing;
3. the ceiling again, so a drift of the machine shows;
4. a burst of 100 sign-ins at once, while the machine's used memory is sampled every 50 ms;
5. the rush: ``--users`` people (four researchers for each reader) arriving together, thinking
   1-3 s between steps: researchers sign in, open their applications, save as autosave does,
   check and submit; readers browse the call page and "my applications".

Afterwards every submission answered with success must be in the database exactly once, submitted,
with a receipt queued for both leads. Prints requests per second and latency percentiles per
request type, errors, the write throughput as a share of the ceiling, and peak memory.

Needs the bench extra (``make bench-setup``), PostgreSQL and Redis.

Usage: .venv/bin/python bench/deadline_rush.py [--drafts 5000] [--users 100] [--writers 50]
       [--rush-seconds 90] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/grants_rush]
       [--redis-url redis://127.0.0.1:6379/13] [--record]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "rush"))

import flask_migrate  # noqa: E402
import redis  # noqa: E402
from common import append_to_benchmarks, fresh_database, machine, production_settings, refresh_statistics  # noqa: E402
from grants_app import create_bench_app  # noqa: E402
from processes import BIN, CpuShare, MemoryWatch, celery_worker, gunicorn, stop  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from grants.applications.models import Application  # noqa: E402
from grants.applications.states import ApplicationState  # noqa: E402
from grants.demo.ready_drafts import answer_fields, details_fields, seed_ready_drafts  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.notifications.models import OutboxMessage  # noqa: E402
from grants.security.passwords import hash_password  # noqa: E402
from grants.timeutil import utcnow  # noqa: E402

PASSWORD = "deadline-rush-password-1"  # noqa: S105
HOST = "http://127.0.0.1:8000"
WRITES = ("save draft (details)", "save draft (questions)", "submit")


@dataclass
class Phase:
    name: str
    rows: list[dict]
    seconds: float

    def row(self, name: str) -> dict | None:
        return next((r for r in self.rows if r["Name"] == name), None)

    @property
    def total(self) -> dict:
        return self.row("Aggregated") or {}

    def per_second(self, names: tuple[str, ...]) -> float:
        return sum(float(r["Request Count"]) for r in self.rows if r["Name"] in names) / self.seconds

    @property
    def failures(self) -> int:
        return int(self.total.get("Failure Count", 0))


def production_env(args, work: Path) -> dict[str, str]:
    return {
        **os.environ,
        **production_settings(args.database_url, args.redis_url, work),
        "PUBLIC_BASE_URL": HOST,
        "CEILING_DATABASE_URL": args.database_url,
        "PYTHONPATH": str(ROOT),
    }


def seed(args, env: dict[str, str], work: Path) -> dict:
    """Migrate, seed the drafts and write what Locust needs to know about them."""
    fresh_database(args.database_url)
    redis.Redis.from_url(args.redis_url).flushdb()
    os.environ.update(env)
    app = create_bench_app()
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        seeded = seed_ready_drafts(
            args.drafts, hash_password(PASSWORD), utcnow(), closes_in=timedelta(hours=2)
        )
        db.session.commit()
        drafts = db.session.scalars(
            select(Application).where(Application.id.in_(seeded.application_ids)).order_by(Application.id)
        ).all()
        data = {
            "call_id": seeded.call_id,
            "password": PASSWORD,
            "drafts": [
                {
                    "id": draft.id,
                    "lead": draft.lead_applicant.email,
                    "partner": draft.members[1].email,
                    "details_version": draft.details_version,
                    "answers_version": draft.answers_version,
                    "details": details_fields(draft),
                    "answers": answer_fields(draft),
                }
                for draft in drafts
            ],
        }
        print(f"seeded {len(drafts):,} ready drafts in {time.perf_counter() - started:.1f} s")
        refresh_statistics(db.engine)
        db.engine.dispose()
    path = work / "rush.json"
    path.write_text(json.dumps(data))
    return data


def locust(
    name: str, users: list[str], count: int, seconds: int, env: dict[str, str], work: Path, spawn: int
) -> Phase:
    prefix = work / name.replace(" ", "-")
    subprocess.run(  # noqa: S603 (our own venv's locust, our own arguments)
        [
            str(BIN / "locust"),
            "-f",
            "bench/rush/locustfile.py",
            "--headless",
            "--only-summary",
            "--host",
            HOST,
            "-u",
            str(count),
            "-r",
            str(spawn),
            "-t",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--exit-code-on-error",
            "0",
            "--loglevel",
            "WARNING",
            *users,
        ],
        cwd=ROOT,
        env={
            **env,
            "RUSH_DATA": str(work / "rush.json"),
            "RUSH_RESULTS": str(work / "submitted.txt"),
            "RUSH_PROGRESS": str(work / "progress.txt"),
        },
        check=True,
    )
    with open(f"{prefix}_stats.csv") as stats:
        rows = list(csv.DictReader(stats))
    return Phase(name, rows, seconds)


def verify(args, work: Path) -> dict:
    """Every submission answered with success: in the database once, submitted, two receipts."""
    answered = [int(line) for line in (work / "submitted.txt").read_text().split()]
    engine = create_engine(args.database_url)
    with engine.connect() as connection:
        submitted = dict(
            connection.execute(
                select(Application.id, Application.submission_count).where(
                    Application.state == ApplicationState.SUBMITTED
                )
            ).all()
        )
        receipts = dict(
            connection.execute(
                text(
                    "SELECT split_part(message_key, ':', 2)::int, count(*) FROM outbox_messages "
                    "WHERE template = 'application_submitted' GROUP BY 1"
                )
            ).all()
        )
        references = connection.execute(
            text(
                "SELECT count(reference), count(DISTINCT reference) FROM applications "
                "WHERE reference IS NOT NULL"
            )
        ).one()
        sent = connection.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.state == "sent", OutboxMessage.template == "application_submitted"
            )
        )
    engine.dispose()
    return {
        "answered": len(answered),
        "answered twice": len(answered) - len(set(answered)),
        "answered but not submitted": len(set(answered) - set(submitted)),
        "submitted but not answered": len(set(submitted) - set(answered)),
        "submitted more than once": sum(1 for count in submitted.values() if count != 1),
        "without two receipts": sum(1 for app_id in answered if receipts.get(app_id) != 2),
        "duplicate references": references[0] - references[1],
        "receipts sent by the worker": sent,
    }


def latency_table(phase: Phase) -> list[str]:
    lines = [
        "| request | count | per s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in phase.rows:
        label = "**all**" if r["Name"] == "Aggregated" else r["Name"]
        lines.append(
            f"| {label} | {int(r['Request Count']):,} | {float(r['Request Count']) / phase.seconds:.1f} | "
            f"{r['50%']} | {r['95%']} | {r['99%']} | {float(r['Max Response Time']):.0f} | "
            f"{r['Failure Count']} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--drafts", type=int, default=5000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--ceiling-seconds", type=int, default=30)
    parser.add_argument("--write-seconds", type=int, default=40)
    parser.add_argument("--rush-seconds", type=int, default=90)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/grants_rush")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--record", action="store_true", help="append the figures to docs/BENCHMARKS.md")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="grants-rush-"))
    env = production_env(args, work)
    seed(args, env, work)
    from ceiling_app import create_table

    create_table()
    worker = celery_worker(env, work / "celery.log")
    phases: dict[str, Phase] = {}
    try:
        ceiling = gunicorn("ceiling_app:create_app()", env, work / "ceiling.log", ("POST", "/rows"))
        phases["ceiling before"] = locust(
            "ceiling before", ["CeilingWriter"], args.writers, args.ceiling_seconds, env, work, args.writers
        )
        stop(ceiling)
        web = gunicorn("grants_app:create_bench_app()", env, work / "gunicorn.log", ("GET", "/sign-in"))
        with CpuShare() as write_cpu:
            phases["writes"] = locust(
                "writes", ["Writer"], args.writers, args.write_seconds, env, work, args.writers
            )
        stop(web)
        ceiling = gunicorn("ceiling_app:create_app()", env, work / "ceiling.log", ("POST", "/rows"))
        phases["ceiling after"] = locust(
            "ceiling after", ["CeilingWriter"], args.writers, args.ceiling_seconds, env, work, args.writers
        )
        stop(ceiling)
        web = gunicorn("grants_app:create_bench_app()", env, work / "gunicorn.log", ("GET", "/sign-in"))
        with MemoryWatch({"gunicorn": web}) as burst:
            phases["sign-in burst"] = locust("sign-in burst", ["SignInBurst"], 100, 15, env, work, 100)
        with MemoryWatch({"gunicorn": web, "celery": worker}, interval=0.2) as rush, CpuShare() as rush_cpu:
            phases["rush"] = locust(
                "rush",
                ["Researcher", "Browser"],
                args.users,
                args.rush_seconds,
                env,
                work,
                max(1, args.users // 5),
            )
            proportional = rush.proportional_mib()
        stop(web)
        time.sleep(5)  # the worker finishes what it holds
        checks = verify(args, work)
    finally:
        stop(worker)
    cpu = {"writes": write_cpu, "rush": rush_cpu}
    report(args, phases, checks, burst, rush, proportional, cpu, work)


def report(
    args,
    phases: dict[str, Phase],
    checks: dict,
    burst: MemoryWatch,
    rush: MemoryWatch,
    proportional: dict[str, float],
    cpu: dict[str, CpuShare],
    work: Path,
) -> None:
    ceiling = (
        phases["ceiling before"].per_second(("ceiling insert",)),
        phases["ceiling after"].per_second(("ceiling insert",)),
    )
    writes = phases["writes"].per_second(WRITES)
    every = float(phases["writes"].total["Request Count"]) / phases["writes"].seconds
    mean_ceiling = sum(ceiling) / 2
    rush_total = phases["rush"].total
    lines = [
        f"- Ceiling (minimal insert app, {args.writers} users, no pauses): **{ceiling[0]:.0f}** requests/s "
        f"before, **{ceiling[1]:.0f}** after.",
        f"- Writes ({args.writers} users signing in, saving and submitting without pauses): "
        f"**{writes:.0f}** saves and submissions/s, **{writes / mean_ceiling:.0%} of the ceiling**; "
        f"{every:.0f} requests/s with the sign-ins and sign-outs ({every / mean_ceiling:.0%}); "
        f"{phases['writes'].failures} errors.",
        f"- Rush ({args.users} users, 1-3 s pauses, {args.rush_seconds} s): "
        f"{float(rush_total['Request Count']) / phases['rush'].seconds:.0f} requests/s, "
        f"p50 {rush_total['50%']} ms, p95 {rush_total['95%']} ms, **p99 {rush_total['99%']} ms**, "
        f"{phases['rush'].failures} errors.",
        "- After: " + ", ".join(f"{name} {value:,}" for name, value in checks.items()) + ".",
        f"- 100 sign-ins at once: machine memory in use {burst.machine_baseline_mib:,.0f} MiB before, "
        f"peak {burst.machine_peak_mib:,.0f} MiB "
        f"(+{burst.machine_peak_mib - burst.machine_baseline_mib:,.0f} MiB); "
        f"{phases['sign-in burst'].failures} errors, sign-in p99 "
        f"{(phases['sign-in burst'].row('sign in') or {}).get('99%', '?')} ms.",
        "- Peak resident memory during the rush: "
        + ", ".join(f"{name} {mib:.0f} MiB" for name, mib in sorted(rush.peak_rss_mib.items()))
        + "; proportional set size (shared pages split between the processes sharing them) at its end: "
        + ", ".join(f"{name} {mib:.0f} MiB" for name, mib in sorted(proportional.items()))
        + ".",
        *(
            f"- CPU seconds during the {name} ({phases[name].seconds} s, "
            f"{phases[name].seconds * (os.cpu_count() or 1)} available): "
            + ", ".join(f"{program} {seconds:.0f}" for program, seconds in sorted(share.seconds.items()))
            + "."
            for name, share in cpu.items()
        ),
        "",
        "Rush, per request type:",
        "",
        *latency_table(phases["rush"]),
        "",
        "Writes, per request type:",
        "",
        *latency_table(phases["writes"]),
    ]
    print("\n".join(lines))
    print(f"(logs and Locust's CSV files in {work})")
    if args.record:
        command = "python bench/deadline_rush.py " + " ".join(sys.argv[1:])
        append_to_benchmarks(
            "\n".join(
                [
                    "",
                    f"## Deadline rush (issue 9) — {date.today().isoformat()}, {machine()}",
                    "",
                    f"Command: `{command}` (gunicorn with `gunicorn.conf.py`, PostgreSQL, Redis, one Celery "
                    f"worker, Locust, all on this machine; {args.drafts:,} seeded drafts)",
                    "",
                    *lines,
                    "",
                ]
            )
        )


if __name__ == "__main__":
    main()
