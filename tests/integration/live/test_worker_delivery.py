"""Account emails travel the real path: outbox row, broker, a Celery worker process, the mailer.

Two set-ups: the embedded default (SQLite, kombu's SQLAlchemy transport, files under
``instance/mail/``) and production (PostgreSQL, Redis, SMTP to a server this test runs).
These tests commit for real, so they use their own databases, not the per-test transaction.
"""

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from grants.accounts.models import User
from grants.accounts.services.registration import register_user
from grants.extensions import db
from grants.notifications.models import OutboxMessage
from tests.integration.conftest import CSRF_PATTERN
from tests.integration.live.smtp import SmtpSink
from tests.integration.live.worker import (
    celery_worker,
    environment,
    grants_command,
    production_settings,
    wait_for,
)
from tests.services import require_redis

LINK = re.compile(r"https?://\S+/verify/\S+")


def read_mail(folder: Path, recipient: str, subject: str | None = None):
    """The first email the worker wrote to ``recipient`` (with ``subject``, when given)."""
    for path in sorted(folder.glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if message["To"] == recipient and subject in (None, message["Subject"]):
            return message
    return None


def test_embedded_default_delivers_the_verification_email_through_a_worker(tmp_path, own_app):
    env = environment(GRANTS_CONFIG="default", GRANTS_INSTANCE_PATH=str(tmp_path))
    grants_command(env, "db", "upgrade")
    web = own_app("default", {"GRANTS_INSTANCE_PATH": str(tmp_path)})
    client = web.test_client()

    with celery_worker(env, tmp_path / "worker.log"):
        token = CSRF_PATTERN.search(client.get("/register").get_data(as_text=True))
        response = client.post(
            "/register",
            data={
                "csrf_token": token.group(1) or token.group(2),
                "full_name": "Emma Lawson",
                "email": "emma@example.org",
                "password": "oat-crop-rotation-5",
                "confirm": "oat-crop-rotation-5",
            },
        )
        assert response.status_code == 302
        email = wait_for(lambda: read_mail(tmp_path / "mail", "emma@example.org"))

    assert email["Subject"] == "Confirm your email address for Grants"
    link = LINK.search(email.get_body(("plain",)).get_content()).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    token = CSRF_PATTERN.search(client.get(path).get_data(as_text=True))
    assert client.post(path, data={"csrf_token": token.group(1) or token.group(2)}).status_code == 302
    with web.app_context():
        user = db.session.scalar(select(User).where(User.email == "emma@example.org"))
        assert user.is_verified
        [row] = db.session.scalars(select(OutboxMessage)).all()
        assert row.state == "sent"


@pytest.mark.postgres
@pytest.mark.redis
def test_production_setup_delivers_over_smtp_through_a_worker(tmp_path, own_app, worker_database):
    redis_url = require_redis()
    redis.Redis.from_url(redis_url).flushdb()
    with SmtpSink() as smtp:
        settings = production_settings(tmp_path, worker_database, redis_url, smtp.url)
        env = environment(**settings)
        grants_command(env, "db", "upgrade")
        web = own_app("production", settings)
        with celery_worker(env, tmp_path / "worker.log"):
            with web.app_context():
                register_user(
                    email="liu.yang@example.org", full_name="Liu Yang", password="millet-drought-trial-3"
                )
                db.session.commit()
            wait_for(smtp.messages)
            with web.app_context():
                wait_for(lambda: db.session.scalar(select(OutboxMessage.sent_at)) and True)
                db.session.remove()

    [email] = smtp.messages()
    assert email["To"] == "liu.yang@example.org"
    assert LINK.search(email.get_body(("plain",)).get_content())
    with web.app_context():
        row = db.session.scalars(select(OutboxMessage)).one()
        assert row.state == "sent"
