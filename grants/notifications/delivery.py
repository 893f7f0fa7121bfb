"""Delivering outbox rows: once each, retried with backoff, failed rows shown to officers.

``deliver_message`` locks the row (skipping a row another worker holds), sends it, and records
the outcome in the same transaction. A crash after the SMTP server accepted the message but
before the commit leaves the row pending, so it is sent again, with the same Message-ID, so
receivers can drop the copy: that is the only way a message goes twice.
"""

from __future__ import annotations

import logging
import random
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import func, or_, select

from grants.extensions import db
from grants.failpoints import reach
from grants.notifications.dispatch import note_for_hand_over, priority_for
from grants.notifications.mailers import mailer_from_config
from grants.notifications.models import OutboxMessage, OutboxState
from grants.notifications.rendering import render_email
from grants.timeutil import utcnow

log = logging.getLogger("grants.mail")

# A task may arrive up to this early for its retry (clocks of web and worker differ slightly).
EARLY_TOLERANCE = timedelta(seconds=2)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"  # gone, already sent or failed, held by another worker, or not yet due


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff, capped, with jitter: attempt n waits a random time between half and
    all of ``min(cap, base * 2**(n-1))``, so failed messages do not retry in lockstep."""

    base_seconds: float
    cap_seconds: float
    max_attempts: int

    def ceiling(self, attempts: int) -> float:
        return min(self.cap_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        ceiling = self.ceiling(attempts)
        return (rng or random).uniform(ceiling / 2, ceiling)

    @classmethod
    def from_config(cls, config) -> RetryPolicy:
        return cls(
            base_seconds=float(config["OUTBOX_RETRY_BASE_SECONDS"]),
            cap_seconds=float(config["OUTBOX_RETRY_CAP_SECONDS"]),
            max_attempts=int(config["OUTBOX_MAX_ATTEMPTS"]),
        )


# Enhanced status classes (RFC 3463) that are about this message or its address: 5.1.x bad
# address, 5.6.x content, 5.7.1 refused by policy. Other 5xx answers (authentication, sender
# refused, quota) are about our account: retried, not pinned on each message.
MESSAGE_STATUS = ("5.1.", "5.6.", "5.7.1")


def is_permanent(error: Exception) -> bool:
    """Retrying will not change the answer: the recipient is refused, or the server refuses this
    message for what it is."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500:
        answer = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        return answer.lstrip().startswith(MESSAGE_STATUS)
    return False


def deliver_message(message_id: int, now: datetime | None = None) -> Outcome:
    """Send one due pending message and record the outcome on its row."""
    now = now or utcnow()
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update(skip_locked=True)
    )
    if message is None or message.state != OutboxState.PENDING:
        return Outcome.SKIPPED
    if message.next_attempt_at > now + EARLY_TOLERANCE:
        # Early (clocks differ, or a copy): ask again when it is due rather than wait for the sweep.
        wait = (message.next_attempt_at - now).total_seconds()
        note_for_hand_over(
            db.session(), [message.id], countdown=min(wait, current_app.config["OUTBOX_RETRY_CAP_SECONDS"])
        )
        return Outcome.SKIPPED
    if is_stale(message, now):
        message.state = OutboxState.EXPIRED
        message.last_error = "Not sent: the deadline it was about had passed."
        db.session.flush()
        return Outcome.SKIPPED
    message.attempts += 1
    try:
        mailer_from_config(current_app.config).send(render_email(message), key=message.message_key)
    except Exception as error:
        return _record_failure(message, error, now)
    reach("after_smtp_accept")
    message.state = OutboxState.SENT
    message.sent_at = now
    message.last_error = None
    message.claimed_until = None
    db.session.flush()
    log.info("sent %s to %s", message.template, message.recipient_email)
    return Outcome.SENT


def is_stale(message: OutboxMessage, now: datetime) -> bool:
    """A reminder carries the moment it stops making sense ("2 hours left" after the close)."""
    stale_after = message.context.get("stale_after")
    return bool(stale_after) and now >= datetime.fromisoformat(stale_after)


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> Outcome:
    """Keep the error on the row; retry after a backoff, or give up and show it to officers."""
    policy = RetryPolicy.from_config(current_app.config)
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.claimed_until = None
    log.warning("delivery of outbox message %s failed (attempt %d): %s", message.id, message.attempts, error)
    if is_permanent(error) or message.attempts >= policy.max_attempts:
        message.state = OutboxState.FAILED
        message.failed_at = now
        db.session.flush()
        return Outcome.FAILED
    delay = policy.delay(message.attempts)
    message.next_attempt_at = now + timedelta(seconds=delay)
    db.session.flush()
    note_for_hand_over(db.session(), [message.id], countdown=delay)
    return Outcome.RETRY


def claim_stale_messages(now: datetime | None = None, limit: int = 500) -> list[int]:
    """The sweep: pending rows due for a while yet not sent, whose hand-over was lost (broker
    down, worker killed). Each is leased so the next sweeps leave it alone while it waits in the
    queue; rows another sweep is claiming right now are skipped, not waited for."""
    config = current_app.config
    now = now or utcnow()
    cutoff = now - timedelta(seconds=config["OUTBOX_SWEEP_AFTER_SECONDS"])
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.next_attempt_at <= cutoff,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    lease_end = now + timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
    for row in rows:
        row.claimed_until = lease_end
        note_for_hand_over(db.session(), [row.id], priority=priority_for(row.template))
    return [row.id for row in rows]


def outbox_counts() -> dict[str, int]:
    rows = db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))
    return {state: count for state, count in rows}
