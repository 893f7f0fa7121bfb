"""PostgreSQL goes away for two seconds in the middle of a burst of submissions.

The database is reached through a TCP proxy that the test cuts (open connections severed, new
ones refused) and brings back, as a restart or failover looks to the app; the machine's real
server keeps running for everyone else. Every answer must be a receipt or a retryable 503, and
afterwards every application is wholly submitted or wholly still a draft.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass

import pytest
from sqlalchemy import func, make_url, select

from grants.applications.models import Application
from grants.audit.models import AuditEvent
from grants.calls.models import Call
from grants.extensions import db
from grants.notifications.models import OutboxMessage, OutboxState
from tests.factories import Factory
from tests.integration.conftest import CSRF_PATTERN
from tests.integration.live.proxy import TcpProxy
from tests.integration.live.stack import production_stack
from tests.integration.live.test_outbox_faults import RECEIPT, mark_seeded_mail_sent, signed_in_client
from tests.services import require_redis

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

DRAFTS = 60
THREADS = 15
ARRIVAL_GAP = 0.1  # one submission every 100 ms: a 6-second burst
OUTAGE_AFTER = 2.0
OUTAGE_SECONDS = 2.0


@dataclass
class Answer:
    application_id: int
    sent_at: float
    status: int
    location: str | None
    retry_after: str | None
    body: str


@pytest.fixture
def database_proxy(worker_database):
    """A proxy in front of this test's own database; the URL the app is given goes through it."""
    url = make_url(worker_database)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.up()
    yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    proxy.down()


@pytest.fixture
def stack(tmp_path, own_app, database_proxy):
    # A delivery the outage broke leaves its row leased; a short lease lets the sweep retake it soon.
    with production_stack(
        tmp_path, database_proxy[1], require_redis(), own_app, OUTBOX_LEASE_SECONDS="5"
    ) as running:
        yield running


def seed_drafts(stack) -> tuple[int, list[dict]]:
    """A call with ``DRAFTS`` complete joint drafts; returns the call and each draft's lead and team."""
    seeding = stack.seeding_app()
    with seeding.app_context():
        factory = Factory(db.session)
        call = factory.call(time_zone="UTC")
        drafts = [factory.complete_application(call) for _ in range(DRAFTS)]
        people = [
            {
                "id": a.id,
                "email": a.lead_applicant.email,
                "team": sorted(m.user_id for m in a.members if m.accepted_at),
                "question_set_id": a.question_set_id,
            }
            for a in drafts
        ]
        db.session.commit()
        call_id = call.id
    mark_seeded_mail_sent(seeding)
    return call_id, people


def submit(client, application_id: int, token: str) -> Answer:
    sent_at = time.monotonic()
    response = client.post(f"/applications/{application_id}/submit", data={"csrf_token": token})
    return Answer(
        application_id,
        sent_at,
        response.status_code,
        response.headers.get("Location"),
        response.headers.get("Retry-After"),
        response.get_data(as_text=True),
    )


def form_token(client, application_id: int) -> str:
    page = client.get(f"/applications/{application_id}/submit").get_data(as_text=True)
    match = CSRF_PATTERN.search(page)
    return match.group(1) or match.group(2)


def burst(sessions: list[tuple], proxy: TcpProxy) -> tuple[list[Answer], float, float]:
    """Submissions arriving every ``ARRIVAL_GAP`` from ``THREADS`` threads; the database is cut
    ``OUTAGE_AFTER`` seconds in for ``OUTAGE_SECONDS``. Returns the answers and when it went
    down and came back."""
    jobs: queue.Queue = queue.Queue()
    for index, session in enumerate(sessions):
        jobs.put((index, session))
    answers: list[Answer] = []
    started = time.monotonic()

    def work() -> None:
        while True:
            try:
                index, (client, application_id, token) = jobs.get_nowait()
            except queue.Empty:
                return
            time.sleep(max(0.0, started + index * ARRIVAL_GAP - time.monotonic()))
            answers.append(submit(client, application_id, token))

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(OUTAGE_AFTER)
    proxy.down()
    down_at = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    proxy.up()
    up_at = time.monotonic()
    for thread in threads:
        thread.join(timeout=60)
    return answers, down_at, up_at


def stored_submissions(stack, call_id: int) -> dict[int, dict]:
    """Everything a submission writes, per application, read back after the outage."""
    with stack.web.app_context():
        rows = db.session.scalars(select(Application).where(Application.call_id == call_id)).all()
        audit = dict(
            db.session.execute(
                select(AuditEvent.subject_id, func.count())
                .where(AuditEvent.action == "application.submitted")
                .group_by(AuditEvent.subject_id)
            ).all()
        )
        receipts: dict[int, list[str]] = {}
        for key in db.session.scalars(
            select(OutboxMessage.message_key).where(OutboxMessage.template == "application_submitted")
        ):
            receipts.setdefault(int(key.split(":")[1]), []).append(key)
        found = {
            a.id: {
                "state": a.state,
                "reference": a.reference,
                "submitted_at": a.submitted_at,
                "submission_count": a.submission_count,
                "question_set_id": a.question_set_id,
                "audit_events": audit.get(a.id, 0),
                "receipt_keys": sorted(receipts.get(a.id, [])),
            }
            for a in rows
        }
        last_number = db.session.get(Call, call_id).last_application_number
        db.session.remove()
    return found | {"last_number": last_number}


def assert_whole(found: dict, people: list[dict]) -> int:
    """Each application either carries every part of one submission or none; returns how many
    were submitted."""
    submitted = 0
    for person in people:
        row = found[person["id"]]
        if row["state"] == "submitted":
            submitted += 1
            assert row["reference"] and row["submitted_at"] is not None, row
            assert row["submission_count"] == 1 and row["audit_events"] == 1, row
            assert row["question_set_id"] == person["question_set_id"], row
            expected = sorted(f"application_submitted:{person['id']}:1:{uid}" for uid in person["team"])
            assert row["receipt_keys"] == expected, row
        else:
            assert row == {
                "state": "draft",
                "reference": None,
                "submitted_at": None,
                "submission_count": 0,
                "question_set_id": person["question_set_id"],
                "audit_events": 0,
                "receipt_keys": [],
            }, f"half a submission: {row}"
    references = sorted(found[p["id"]]["reference"] for p in people if found[p["id"]]["reference"])
    assert [int(re.sub(r"^.*-", "", r)) for r in references] == list(range(1, submitted + 1)), (
        "references are numbered without gaps or repeats"
    )
    assert found["last_number"] == submitted
    return submitted


def test_a_database_outage_mid_burst_answers_receipt_or_retryable_and_writes_nothing_by_halves(
    stack, database_proxy
):
    proxy, _url = database_proxy
    call_id, people = seed_drafts(stack)
    sessions = []
    for n, person in enumerate(people):
        client = signed_in_client(stack.web, person, f"10.1.{n // 200}.{n % 200 + 1}")
        sessions.append((client, person["id"], form_token(client, person["id"])))
    stack.start_worker()

    answers, down_at, up_at = burst(sessions, proxy)

    assert len(answers) == DRAFTS
    unexpected = [(a.status, a.body[:300]) for a in answers if a.status not in (303, 503)]
    assert not unexpected, unexpected
    refused = [a for a in answers if a.status == 503]
    assert refused, "the outage was felt"
    for answer in answers:
        if answer.status == 303:
            assert answer.location.endswith(f"/applications/{answer.application_id}")
        else:
            assert answer.retry_after and int(answer.retry_after) > 0
            assert "nothing was lost" in answer.body
    after = [a.sent_at for a in answers if a.status == 303 and a.sent_at >= up_at]
    assert after, "no submission succeeded once the database was back"
    recovered = min(after) - up_at
    submitted = assert_whole(stored_submissions(stack, call_id), people)
    print(
        f"\n{DRAFTS} submissions, database cut for {up_at - down_at:.1f} s: {len(refused)} answered 503 "
        f"(retryable), {DRAFTS - len(refused)} receipts; {submitted} stored as submitted; "
        f"first receipt {recovered:.2f} s after it came back"
    )

    by_id = {session[1]: session for session in sessions}
    retried = [submit(*by_id[a.application_id]) for a in refused]
    assert {a.status for a in retried} == {303}
    assert assert_whole(stored_submissions(stack, call_id), people) == DRAFTS

    stack.sweep_until_all_sent()
    copies = Counter(m["Message-ID"] for m in stack.smtp.messages() if m["Subject"] == RECEIPT)
    assert len(copies) == sum(len(p["team"]) for p in people), "every member has a receipt"
    # A message the worker was sending when the database went is sent again, with the same
    # Message-ID (at-least-once delivery, as after a worker crash): only those in flight repeat.
    repeated = [n for n in copies.values() if n > 1]
    print(f"receipts delivered: {len(copies)}, {len(repeated)} repeated (in flight at the cut)")
    assert set(repeated) <= {2} and len(repeated) <= 2
    assert stack.count(OutboxState.PENDING) == 0
