"""Emails that could not be delivered: listed for officers with their error, sent again on request."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from grants.audit.services import record
from grants.database import lock_and_reload
from grants.errors import Conflict
from grants.extensions import db
from grants.notifications.delivery import is_stale
from grants.notifications.dispatch import note_for_hand_over
from grants.notifications.models import OutboxMessage, OutboxState
from grants.timeutil import utcnow

FAILED_PER_PAGE = 25


def failed_messages(page: int, per_page: int = FAILED_PER_PAGE):
    statement = (
        select(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.FAILED)
        .order_by(OutboxMessage.failed_at.desc(), OutboxMessage.id.desc())
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def retry_message(actor: Any, message: OutboxMessage) -> OutboxMessage:
    """Put a failed email back in the queue with a fresh set of attempts."""
    lock_and_reload(message)
    if message.state != OutboxState.FAILED:
        raise Conflict(_("This email is no longer failed: it was already sent again or is queued."))
    if is_stale(message, utcnow()):
        raise Conflict(_("This reminder is about a deadline that has passed, so it is not sent again."))
    _requeue(message)
    record(actor, "outbox.retried", message, {"template": [None, message.template]})
    return message


def retry_all_failed(actor: Any) -> int:
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.FAILED)
        .with_for_update(skip_locked=True)
    ).all()
    now = utcnow()
    again = []
    for row in rows:
        if is_stale(row, now):
            row.state = OutboxState.EXPIRED  # a reminder for a deadline gone by: not sent late
        else:
            _requeue(row)
            again.append(row)
    if again:
        record(actor, "outbox.retried_all", again[0], {"count": [None, len(again)]})
    return len(again)


def _requeue(message: OutboxMessage) -> None:
    message.state = OutboxState.PENDING
    message.attempts = 0
    message.failed_at = None
    message.claimed_until = None
    message.next_attempt_at = utcnow()
    note_for_hand_over(db.session(), [message.id])
