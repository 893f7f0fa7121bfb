"""Queueing and delivering outbox messages.

``queue_email`` adds a row in the caller's transaction; after commit the dispatcher hands its id to
the worker, which calls ``deliver_message``. Delivery re-reads the row under a lock and does
nothing if it was already sent, so a message handed over twice goes out once.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from flask import current_app, render_template
from sqlalchemy import select

from grants.extensions import db
from grants.notifications.mailers import mailer_from_config
from grants.notifications.models import OutboxMessage, OutboxState
from grants.timeutil import utcnow

log = logging.getLogger("grants.mail")

TEMPLATES = {
    "verify_email": "Confirm your email address for Grants",
    "password_reset": "Reset your Grants password",
    "password_changed": "Your Grants password was changed",
    "role_invitation": "You are invited to review for Grants",
    "role_granted": "You have a new role in Grants",
    "team_invitation": "Join a proposal team on Grants",
    "application_submitted": "Application submitted: your receipt",
    "application_withdrawn": "An application was withdrawn",
    "application_reopened": "Your application was reopened for a correction",
    "review_invitation": "Will you review a proposal?",
    "review_unlocked": "Your review was unlocked for changes",
    "review_cancelled": "You no longer need to review a proposal",
    "decision_released": "A decision on your application",
    "award_offered": "Award offer: please accept the agreement",
    "agreement_accepted": "Your award is active",
    "award_withdrawn": "An award offer was withdrawn",
    "award_changed": "Your award has changed",
    "report_reviewed": "Your report has been reviewed",
    "payment_released": "A payment has been made on your award",
}


def queue_email(
    *,
    template: str,
    key: str,
    recipient_email: str,
    recipient: Any | None = None,
    context: dict[str, Any] | None = None,
) -> OutboxMessage:
    """Add an outbox row unless one with ``key`` exists; returns the row either way."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown email template {template!r}")
    existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.message_key == key))
    if existing is not None:
        return existing
    message = OutboxMessage(
        message_key=key,
        template=template,
        recipient_email=recipient_email,
        recipient_id=getattr(recipient, "id", None),
        language=getattr(recipient, "language", None) or "en",
        context=context or {},
    )
    db.session.add(message)
    db.session.flush()
    return message


def render_email(message: OutboxMessage) -> EmailMessage:
    """Build the MIME message: plain text and HTML parts from ``templates/emails/``."""
    context = dict(message.context, recipient_email=message.recipient_email)
    email = EmailMessage()
    email["Subject"] = TEMPLATES[message.template]
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient_email
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message_id_for(message.message_key)
    email.set_content(render_template(f"emails/{message.template}.txt", **context))
    email.add_alternative(render_template(f"emails/{message.template}.html", **context), subtype="html")
    return email


def message_id_for(key: str) -> str:
    """A Message-ID that is the same for every attempt at one message, so receivers dedupe."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@grants.mail>"


MAX_ATTEMPTS = 5


def deliver_message(message_id: int) -> bool:
    """Send one pending message and mark it sent; True when it went out now.

    A failed attempt is recorded on the row (and the row stays pending for the sweep) rather than
    raised, so the error survives the transaction; after ``MAX_ATTEMPTS`` the row is failed.
    """
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update())
    if message is None or message.state != OutboxState.PENDING:
        return False
    message.attempts += 1
    try:
        mailer_from_config(current_app.config).send(render_email(message), key=message.message_key)
    except Exception as error:
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.state = OutboxState.FAILED
        log.warning("delivery of outbox message %s failed: %s", message.id, message.last_error)
        db.session.flush()
        return False
    message.state = OutboxState.SENT
    message.sent_at = utcnow()
    message.last_error = None
    db.session.flush()
    log.info("sent %s to %s", message.template, message.recipient_email)
    return True


def pending_message_ids(older_than_seconds: int = 60, limit: int = 500) -> list[int]:
    """Messages still pending after a while: their hand-off to the worker was lost."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.created_at < cutoff)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
