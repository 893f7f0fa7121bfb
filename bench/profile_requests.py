"""What each request of the deadline rush costs the server, and where the time goes.

Seeds ready drafts (``grants/demo/ready_drafts.py``) in PostgreSQL, signs their leads in through the
Flask test client with the production settings, and times each request type of the rush in
process (no network, no gunicorn): median milliseconds and SQL statements. ``--profile NAME``
runs that request type under pyinstrument and prints where its time goes.

Usage: .venv/bin/python bench/profile_requests.py [--drafts 200] [--repeat 100]
       [--profile "save draft (details)"] [--database-url ...] [--html profile.html]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "rush"))

import flask_migrate  # noqa: E402
from common import fresh_database, production_settings, refresh_statistics  # noqa: E402
from grants_app import create_bench_app  # noqa: E402

from grants.applications.models import Application  # noqa: E402
from grants.demo.ready_drafts import answer_fields, details_fields, seed_ready_drafts  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.security.passwords import hash_password  # noqa: E402
from grants.timeutil import utcnow  # noqa: E402
from tests.integration.conftest import csrf_token  # noqa: E402
from tests.query_counter import counting_queries  # noqa: E402

PASSWORD = "deadline-rush-password-1"  # noqa: S105


def build(args):
    work = Path(tempfile.mkdtemp(prefix="grants-profile-"))
    fresh_database(args.database_url)
    os.environ.update(production_settings(args.database_url, args.redis_url, work))
    app = create_bench_app(OUTBOX_DISPATCH="record")
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        seeded = seed_ready_drafts(
            args.drafts, hash_password(PASSWORD), utcnow(), closes_in=timedelta(hours=2)
        )
        db.session.commit()
        refresh_statistics(db.engine)
    return app, seeded


class Visitor:
    """One signed-in lead and the requests of the rush on their own draft."""

    def __init__(self, app, application_id: int, email: str):
        self.client = app.test_client()
        self.id = application_id
        with app.app_context():
            draft = db.session.get(Application, application_id)
            self.details = details_fields(draft)
            self.answers = answer_fields(draft)
            self.details_version = draft.details_version
            self.answers_version = draft.answers_version
            self.call_id = draft.call_id
        self.post("/sign-in", {"email": email, "password": PASSWORD}, 302)
        self.token = csrf_token(self.client, f"/applications/{self.id}")

    def post(self, url: str, data: dict, expect: int):
        token = getattr(self, "token", None) or csrf_token(self.client, "/sign-in")
        response = self.client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == expect, (
            url,
            response.status_code,
            response.get_data(as_text=True)[:300],
        )
        return response

    def get(self, url: str):
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def save_details(self):
        response = self.post(
            f"/applications/{self.id}/autosave",
            {"section": "details", "version": self.details_version, **self.details},
            200,
        )
        self.details_version = response.json["version"]

    def save_answers(self):
        response = self.post(
            f"/applications/{self.id}/autosave",
            {"section": "questions", "version": self.answers_version, **self.answers},
            200,
        )
        self.answers_version = response.json["version"]

    def submit(self):
        self.post(f"/applications/{self.id}/submit", {}, 303)

    def requests(self) -> dict[str, Callable[[], object]]:
        base = f"/applications/{self.id}"
        return {
            "my applications": lambda: self.get("/applications"),
            "application overview": lambda: self.get(base),
            "details page": lambda: self.get(f"{base}/details"),
            "check and submit page": lambda: self.get(f"{base}/submit"),
            "call page": lambda: self.get(f"/calls/{self.call_id}"),
            "save draft (details)": self.save_details,
            "save draft (questions)": self.save_answers,
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--drafts", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--profile", help="a request type to run under pyinstrument")
    parser.add_argument("--html", help="write the profile as HTML to this file too")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/grants_profile"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()
    app, seeded = build(args)
    visitors = [Visitor(app, i, e) for i, e in zip(seeded.application_ids, seeded.lead_emails, strict=True)]
    kinds = list(visitors[0].requests())
    print("| request | median ms | SQL statements |\n| --- | ---: | ---: |")
    for kind in kinds:
        times, count = [], 0
        for n in range(args.repeat):
            step = visitors[n % len(visitors)].requests()[kind]
            with app.app_context(), counting_queries() as statements:
                started = time.perf_counter()
                step()
                times.append((time.perf_counter() - started) * 1000)
            count = len(statements)
        print(f"| {kind} | {statistics.median(times):.1f} | {count} |")
    submits = []
    for visitor in visitors[: args.repeat]:
        started = time.perf_counter()
        visitor.submit()
        submits.append((time.perf_counter() - started) * 1000)
    print(f"| submit | {statistics.median(submits):.1f} | |")
    if args.profile:
        profile(args, app, visitors)


def profile(args, app, visitors: list[Visitor]) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    targets = visitors[args.repeat :]  # drafts the timing above did not submit
    with app.app_context(), counting_queries() as statements:
        _step(targets[-1], args.profile)
    print(f"SQL statements of one {args.profile!r}:")
    for statement in statements:
        print("  " + " ".join(statement.split())[:160])
    with profiler:
        for n in range(min(args.repeat, len(targets))):
            _step(targets[n % len(targets)], args.profile)
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        Path(args.html).write_text(profiler.output_html())


def _step(visitor: Visitor, kind: str) -> None:
    if kind == "submit":
        visitor.submit()
    else:
        visitor.requests()[kind]()


if __name__ == "__main__":
    main()
