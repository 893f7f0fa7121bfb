"""Delivery rules of the outbox: backoff on transient failures, permanent failures, the sweep's
lease, email preferences, and officers sending failed emails again."""

import smtplib
from datetime import timedelta

import pytest
from sqlalchemy import text

from grants.audit.models import AuditEvent
from grants.errors import Conflict
from grants.extensions import db
from grants.notifications import delivery, dispatch
from grants.notifications.catalogue import EMAILS
from grants.notifications.delivery import (
    EARLY_TOLERANCE,
    Outcome,
    RetryPolicy,
    claim_stale_messages,
    deliver_message,
)
from grants.notifications.failures import retry_all_failed, retry_message
from grants.notifications.models import OutboxMessage, OutboxState
from grants.notifications.services import queue_email
from grants.timeutil import utcnow

SECOND = timedelta(seconds=1)
ROLE_GRANTED = {"name": "Wu Fang", "role": "Reviewer", "link": "http://localhost/"}
OPTIONAL = sorted(name for name, kind in EMAILS.items() if kind.optional)
TRANSACTIONAL = sorted(name for name, kind in EMAILS.items() if not kind.optional)

TRANSIENT_ERRORS = {
    "421 service unavailable": smtplib.SMTPResponseException(421, b"try again later"),
    "451 recipient greylisted": smtplib.SMTPRecipientsRefused({"wu.fang@example.org": (451, b"greylisted")}),
    "connection refused": ConnectionRefusedError(111, "Connection refused"),
    "server disconnected": smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    # 5xx answers about our account, not the message: a credentials rotation or a quota must not
    # fail every email at once.
    "535 authentication failed": smtplib.SMTPAuthenticationError(535, b"5.7.8 authentication failed"),
    "553 sender refused": smtplib.SMTPSenderRefused(553, b"sender not allowed", "grants@example.org"),
    "550 5.4.5 quota": smtplib.SMTPDataError(550, b"5.4.5 Daily sending quota exceeded"),
}
# Each with what the officers' page must show of the server's answer.
PERMANENT_ERRORS = {
    "550 no such user": (
        smtplib.SMTPRecipientsRefused({"wu.fang@example.org": (550, b"no such user")}),
        "(550, b'no such user')",
    ),
    "554 5.7.1 message refused": (
        smtplib.SMTPDataError(554, b"5.7.1 message refused as spam"),
        "(554, b'5.7.1 message refused as spam')",
    ),
    "550 5.1.1 unknown mailbox": (
        smtplib.SMTPDataError(550, b"5.1.1 unknown mailbox"),
        "(550, b'5.1.1 unknown mailbox')",
    ),
}


def queue_message(key: str = "one", **fields) -> OutboxMessage:
    """A role_granted email to ``<key>@example.org``, with ``fields`` then set on its row."""
    message = queue_email(
        template="role_granted",
        key=f"delivery-rules:{key}",
        recipient_email=f"{key}@example.org",
        context=ROLE_GRANTED,
    )
    for name, value in fields.items():
        setattr(message, name, value)
    db.session.flush()
    return message


def failed_message(
    key: str, error: str = "SMTPRecipientsRefused: 550 no such user", **fields
) -> OutboxMessage:
    """A row that delivery gave up on, as officers find it on the failed emails page."""
    fields = {"attempts": 1, "failed_at": utcnow(), "last_error": error, **fields}
    return queue_message(key, state=OutboxState.FAILED, **fields)


class ScriptedMailer:
    """Answers each send with the next scripted outcome: an exception to raise, or None to accept."""

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.attempts = 0

    def send(self, message, *, key):
        self.attempts += 1
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome


@pytest.fixture
def mailer(monkeypatch):
    """``mailer(*outcomes)`` installs a ScriptedMailer in place of the configured one."""

    def install(*outcomes) -> ScriptedMailer:
        scripted = ScriptedMailer(outcomes)
        monkeypatch.setattr(delivery, "mailer_from_config", lambda _config: scripted)
        return scripted

    return install


@pytest.fixture
def handed_over(monkeypatch):
    """Every hand-over to the broker after a commit, as ``(ids, countdown)``."""
    calls = []
    monkeypatch.setattr(
        dispatch, "enqueue", lambda ids, countdown=None, priority=0: calls.append((ids, countdown))
    )
    return calls


def committed_message(db_session, handed_over, key: str = "one") -> OutboxMessage:
    """A queued message whose first hand-over has already happened."""
    message = queue_message(key)
    db_session.commit()
    handed_over.clear()
    return message


def attempt(db_session, message: OutboxMessage, now) -> Outcome:
    """One delivery in its own transaction, as the worker runs it."""
    outcome = deliver_message(message.id, now)
    db_session.commit()
    return outcome


@pytest.mark.parametrize("error", TRANSIENT_ERRORS.values(), ids=TRANSIENT_ERRORS.keys())
def test_a_transient_failure_keeps_the_row_pending_and_hands_it_over_again_after_a_backoff(
    app, db_session, mailer, handed_over, error
):
    message = committed_message(db_session, handed_over)
    mailer(error)
    now = utcnow()

    assert deliver_message(message.id, now) == Outcome.RETRY
    wait = (message.next_attempt_at - now).total_seconds()
    ceiling = RetryPolicy.from_config(app.config).ceiling(1)
    assert ceiling / 2 <= wait <= ceiling
    assert (message.state, message.attempts, message.failed_at) == (OutboxState.PENDING, 1, None)
    assert message.last_error.startswith(type(error).__name__)
    [(countdown, _priority, _savepoint)] = db_session.info[dispatch.PENDING_KEY].values()
    assert countdown == pytest.approx(wait, abs=1e-3)

    db_session.commit()
    [(ids, countdown)] = handed_over
    assert ids == [message.id]
    assert countdown == pytest.approx(wait, abs=1e-3)


def test_the_backoff_grows_with_each_attempt_up_to_the_cap(app):
    policy = RetryPolicy.from_config(app.config)
    ceilings = [policy.ceiling(attempts) for attempts in range(1, policy.max_attempts + 1)]
    assert ceilings[:3] == [policy.base_seconds, 2 * policy.base_seconds, 4 * policy.base_seconds]
    assert ceilings == sorted(ceilings)
    assert max(ceilings) == policy.cap_seconds
    assert all(ceiling / 2 <= policy.delay(n) <= ceiling for n, ceiling in enumerate(ceilings, start=1))


def test_a_delivery_arriving_before_the_next_attempt_is_due_is_skipped(db_session, mailer, handed_over):
    message = committed_message(db_session, handed_over)
    scripted = mailer(smtplib.SMTPResponseException(421, b"try again later"), None)
    assert attempt(db_session, message, utcnow()) == Outcome.RETRY
    due = message.next_attempt_at

    assert attempt(db_session, message, due - EARLY_TOLERANCE - SECOND) == Outcome.SKIPPED
    assert (message.attempts, scripted.attempts, message.state) == (1, 1, OutboxState.PENDING)

    assert attempt(db_session, message, due - EARLY_TOLERANCE) == Outcome.SENT
    assert (message.attempts, scripted.attempts, message.state) == (2, 2, OutboxState.SENT)


def test_after_the_maximum_attempts_the_row_is_failed_with_its_error(
    app, db_session, mailer, handed_over, monkeypatch
):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    message = committed_message(db_session, handed_over)
    scripted = mailer(*[smtplib.SMTPResponseException(421, b"try again later")] * 3)

    assert attempt(db_session, message, utcnow()) == Outcome.RETRY
    assert attempt(db_session, message, message.next_attempt_at) == Outcome.RETRY
    handed_over.clear()
    last = message.next_attempt_at
    assert attempt(db_session, message, last) == Outcome.FAILED

    assert (message.state, message.attempts, message.failed_at) == (OutboxState.FAILED, 3, last)
    assert message.last_error == "SMTPResponseException: (421, b'try again later')"
    assert handed_over == [], "a failed row is not handed over again"
    assert attempt(db_session, message, last + timedelta(days=1)) == Outcome.SKIPPED
    assert scripted.attempts == 3


@pytest.mark.parametrize(("error", "answer"), PERMANENT_ERRORS.values(), ids=PERMANENT_ERRORS.keys())
def test_a_permanent_refusal_fails_the_row_at_once(db_session, mailer, handed_over, error, answer):
    message = committed_message(db_session, handed_over)
    mailer(error)
    now = utcnow()

    assert attempt(db_session, message, now) == Outcome.FAILED

    assert (message.state, message.attempts, message.failed_at) == (OutboxState.FAILED, 1, now)
    assert message.last_error.startswith(type(error).__name__)
    assert answer in message.last_error
    assert handed_over == []


def test_the_sweep_claims_only_pending_rows_due_long_enough_ago(app, db_session, handed_over):
    now = utcnow()
    after = timedelta(seconds=app.config["OUTBOX_SWEEP_AFTER_SECONDS"])
    lease = timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"])
    long_ago = now - timedelta(days=1)
    oldest = queue_message("oldest", next_attempt_at=long_ago)
    stale = queue_message("stale", next_attempt_at=now - after - SECOND)
    queue_message("recent", next_attempt_at=now - after + SECOND)
    queue_message("retry-later", next_attempt_at=now + timedelta(minutes=5))
    queue_message("sent", state=OutboxState.SENT, sent_at=long_ago, next_attempt_at=long_ago)
    failed_message("failed", next_attempt_at=long_ago)
    db_session.commit()
    handed_over.clear()

    assert claim_stale_messages(now) == [oldest.id, stale.id]
    assert oldest.claimed_until == stale.claimed_until == now + lease
    db_session.commit()
    assert handed_over == [([oldest.id, stale.id], None)]


def test_a_claimed_row_is_left_alone_until_its_lease_ends(app, db_session, handed_over):
    now = utcnow()
    lease = timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"])
    stale = queue_message("stale", next_attempt_at=now - timedelta(hours=1))
    assert claim_stale_messages(now) == [stale.id]

    assert claim_stale_messages(now + SECOND) == []
    assert claim_stale_messages(now + lease - SECOND) == []
    assert claim_stale_messages(now + lease + SECOND) == [stale.id]


def queue_to(user, template: str) -> OutboxMessage | None:
    return queue_email(
        template=template,
        key=f"preferences:{template}:{user.id}",
        recipient_email=user.email,
        recipient=user,
        context={"name": user.full_name, "link": "http://localhost/"},
    )


@pytest.mark.parametrize("template", OPTIONAL)
def test_an_optional_email_to_someone_who_turned_it_off_writes_nothing(
    db_session, factory, handed_over, template
):
    user = factory.user(**{EMAILS[template].optional.value: False})

    assert queue_to(user, template) is None

    db_session.commit()
    assert factory.outbox() == []
    assert handed_over == []


@pytest.mark.parametrize("template", OPTIONAL)
def test_an_optional_email_still_goes_when_only_the_other_preference_is_off(factory, template):
    others = [name for name in ("email_reminders", "email_digests") if name != EMAILS[template].optional]
    user = factory.user(**dict.fromkeys(others, False))
    assert queue_to(user, template) is not None


@pytest.mark.parametrize("template", TRANSACTIONAL)
def test_transactional_emails_queue_whatever_the_preferences(db_session, factory, handed_over, template):
    user = factory.user(email_reminders=False, email_digests=False)

    message = queue_to(user, template)

    assert message.state == OutboxState.PENDING
    db_session.commit()
    assert handed_over == [([message.id], None)]


def test_retrying_a_failed_email_queues_it_again_with_fresh_attempts(db_session, factory, handed_over):
    officer = factory.user(roles=("officer",))
    message = failed_message("bounced", attempts=16, claimed_until=utcnow())
    db_session.commit()
    handed_over.clear()
    before = utcnow()

    assert retry_message(officer, message) is message

    assert (message.state, message.attempts, message.failed_at, message.claimed_until) == (
        OutboxState.PENDING,
        0,
        None,
        None,
    )
    assert message.next_attempt_at >= before
    event = db_session.query(AuditEvent).filter_by(action="outbox.retried", subject_id=message.id).one()
    assert (event.actor_id, event.subject_type) == (officer.id, "OutboxMessage")
    db_session.commit()
    assert handed_over == [([message.id], None)]
    assert deliver_message(message.id) == Outcome.SENT


@pytest.mark.parametrize("state", [OutboxState.PENDING, OutboxState.SENT])
def test_retrying_an_email_that_is_not_failed_is_a_conflict_and_changes_nothing(
    db_session, factory, handed_over, state
):
    officer = factory.user(roles=("officer",))
    message = queue_message("not-failed", state=state, attempts=2)
    db_session.commit()
    handed_over.clear()

    with pytest.raises(Conflict, match="no longer failed"):
        retry_message(officer, message)

    assert (message.state, message.attempts) == (state, 2)
    assert db_session.query(AuditEvent).filter_by(action="outbox.retried").count() == 0
    db_session.commit()
    assert handed_over == []


def test_retrying_checks_the_state_under_the_lock_not_the_one_loaded_before(db_session, factory):
    officer = factory.user(roles=("officer",))
    message = failed_message("raced")
    db_session.commit()
    assert message.state == OutboxState.FAILED, "loaded, as the retry view's loader does"
    db_session.connection().execute(  # meanwhile, another officer's retry was delivered
        text("UPDATE outbox_messages SET state = 'sent', attempts = 1 WHERE id = :id"), {"id": message.id}
    )

    with pytest.raises(Conflict):
        retry_message(officer, message)


def test_retrying_all_failed_emails_queues_each_and_counts_them(db_session, factory, handed_over):
    officer = factory.user(roles=("officer",))
    failed = [failed_message(key) for key in ("first", "second", "third")]
    waiting = queue_message("waiting")
    delivered = queue_message("delivered", state=OutboxState.SENT, sent_at=utcnow())
    db_session.commit()
    handed_over.clear()

    assert retry_all_failed(officer) == 3

    assert [(m.state, m.attempts) for m in failed] == [(OutboxState.PENDING, 0)] * 3
    assert (waiting.state, delivered.state) == (OutboxState.PENDING, OutboxState.SENT)
    event = db_session.query(AuditEvent).filter_by(action="outbox.retried_all").one()
    assert (event.actor_id, event.changes) == (officer.id, {"count": [None, 3]})
    db_session.commit()
    assert handed_over == [(sorted(m.id for m in failed), None)]
    assert retry_all_failed(officer) == 0


def test_a_task_that_arrives_early_asks_again_for_when_the_row_is_due(db_session, mailer, handed_over):
    message = committed_message(db_session, handed_over)
    message.next_attempt_at = utcnow() + timedelta(seconds=40)
    scripted = mailer()

    assert attempt(db_session, message, utcnow()) == Outcome.SKIPPED

    assert scripted.attempts == 0
    [(ids, countdown)] = handed_over
    assert ids == [message.id] and 35 < countdown <= 40


def test_a_reminder_whose_deadline_passed_is_dropped_not_sent_late(db_session, mailer, handed_over):
    message = committed_message(db_session, handed_over)
    message.context = {**message.context, "stale_after": (utcnow() - SECOND).isoformat()}
    scripted = mailer()

    assert attempt(db_session, message, utcnow()) == Outcome.SKIPPED

    assert scripted.attempts == 0
    assert message.state == OutboxState.EXPIRED
    assert "deadline" in message.last_error


def test_sending_again_a_failed_reminder_for_a_past_deadline_is_refused(db_session, factory):
    officer = factory.user(roles=("officer",))
    stale = failed_message("stale-reminder")
    stale.context = {**stale.context, "stale_after": (utcnow() - SECOND).isoformat()}
    fresh = failed_message("fresh")

    with pytest.raises(Conflict, match="deadline that has passed"):
        retry_message(officer, stale)
    assert retry_all_failed(officer) == 1
    assert (stale.state, fresh.state) == (OutboxState.EXPIRED, OutboxState.PENDING)


def test_reminders_go_to_the_broker_behind_receipts_and_resets(db_session, monkeypatch):
    calls = []
    monkeypatch.setattr(dispatch, "enqueue", lambda ids, countdown=None, priority=0: calls.append(priority))
    queue_email(template="password_reset", key="urgent", recipient_email="a@example.org", context={})
    queue_email(template="review_reminder", key="bulk", recipient_email="b@example.org", context={})
    db_session.commit()
    assert sorted(calls) == [dispatch.URGENT, dispatch.BULK]
