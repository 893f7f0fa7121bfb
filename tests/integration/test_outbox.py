"""The outbox: rows written with the change, handed over only after commit, delivered once."""

from email import policy
from email.parser import BytesParser
from pathlib import Path

from grants.accounts.services.registration import register_user
from grants.notifications.delivery import Outcome, deliver_message
from grants.notifications.models import OutboxState
from grants.notifications.services import queue_email


def test_rows_are_handed_over_after_commit_not_before(app, db_session):
    user = register_user(email="li.na@example.org", full_name="Li Na", password="rice-paddy-yield-9")
    handed = app.extensions["outbox_handed_over"]
    assert handed == [], "nothing leaves before the transaction commits"
    db_session.commit()
    [message_id] = handed
    assert db_session.get(type(user), user.id) is not None
    assert message_id > 0


def test_rolled_back_actions_send_nothing(app, db_session):
    register_user(email="zhao.min@example.org", full_name="Zhao Min", password="rice-paddy-yield-9")
    db_session.rollback()
    db_session.commit()
    assert app.extensions["outbox_handed_over"] == []


def test_delivery_writes_a_multipart_email_with_a_stable_message_id(app, db_session, factory):
    register_user(email="chen.jing@example.org", full_name="Chen Jing", password="rice-paddy-yield-9")
    db_session.commit()
    [message] = factory.outbox("verify_email")

    assert deliver_message(message.id) == Outcome.SENT
    assert message.state == OutboxState.SENT
    assert message.sent_at is not None
    path = Path(app.config["MAIL_DIR"]) / f"{message.message_key.replace(':', '_')}.eml"
    email = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert email["To"] == "chen.jing@example.org"
    assert email["Subject"] == "Confirm your email address for Grants"
    assert email["Message-ID"].endswith("@grants.mail>")
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert message.context["link"] in text
    assert message.context["link"] in html


def test_delivering_twice_sends_once(app, db_session, factory):
    register_user(email="guo.feng@example.org", full_name="Guo Feng", password="rice-paddy-yield-9")
    [message] = factory.outbox("verify_email")
    assert deliver_message(message.id) == Outcome.SENT
    assert deliver_message(message.id) == Outcome.SKIPPED
    assert message.attempts == 1


def test_the_same_key_queues_one_row(db_session, factory):
    first = queue_email(
        template="role_granted",
        key="k-1",
        recipient_email="a@example.org",
        context={"name": "A", "role": "Reviewer", "link": "http://x/"},
    )
    second = queue_email(
        template="role_granted",
        key="k-1",
        recipient_email="a@example.org",
        context={"name": "A", "role": "Reviewer", "link": "http://x/"},
    )
    assert first.id == second.id
    assert len(factory.outbox()) == 1


def test_a_failing_mailer_records_the_error_and_keeps_the_row_pending(app, db_session, factory, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", "smtp://127.0.0.1:1")
    register_user(email="sun.hui@example.org", full_name="Sun Hui", password="rice-paddy-yield-9")
    [message] = factory.outbox("verify_email")
    assert deliver_message(message.id) == Outcome.RETRY
    assert message.state == OutboxState.PENDING
    assert message.next_attempt_at > message.created_at
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error


def _queue(key: str) -> int:
    return queue_email(
        template="role_granted", key=key, recipient_email=f"{key}@example.org", context={"role": "reviewer"}
    ).id


def test_a_released_savepoint_hands_its_rows_over_only_with_the_real_commit(app, db_session):
    handed = app.extensions["outbox_handed_over"]
    outer = _queue("outer")
    with db_session.begin_nested():
        inner = _queue("inner")
    assert handed == [], "a savepoint release is not a commit"
    db_session.commit()
    assert sorted(handed) == sorted([outer, inner])


def test_a_rolled_back_savepoint_drops_only_its_own_rows(app, db_session):
    handed = app.extensions["outbox_handed_over"]
    outer = _queue("outer")
    savepoint = db_session.begin_nested()
    _queue("inner")
    savepoint.rollback()
    db_session.commit()
    assert handed == [outer]
