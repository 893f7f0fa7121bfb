"""Hand committed outbox rows to the worker: the broker is the doorbell, the database the truth.

Rows are noted when written and handed over only after the transaction commits, so a worker never
looks for a row that is not there yet, and a rolled-back action sends nothing. Publishing never
blocks or fails a request: the broker client does not retry (``max_retries`` 0, a short socket
timeout), a failed publish is logged, and the beat's sweep hands the row over later.
"""

import logging

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from grants.notifications.models import OutboxMessage

log = logging.getLogger("grants.mail")
PENDING_KEY = "grants.outbox_pending"
DELIVER_TASK = "grants.deliver_outbox_message"


# Redis serves lower numbers first: receipts and resets never wait behind a round of reminders.
URGENT, BULK = 0, 6


def note_for_hand_over(
    session: Session, message_ids: list[int], countdown: float | None = None, priority: int = URGENT
) -> None:
    """Hand these rows to the worker once ``session`` commits (after ``countdown`` seconds)."""
    pending = session.info.setdefault(PENDING_KEY, {})
    for message_id in message_ids:
        pending[message_id] = (countdown, priority)


def _note_new_rows(session: Session, _flush_context) -> None:
    # In after_flush, session.new still lists what was just inserted, now with primary keys.
    new_ids = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if new_ids:
        note_for_hand_over(session, new_ids)


def _hand_over(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, {})
    groups: dict[tuple[float | None, int], list[int]] = {}
    for message_id, how in pending.items():
        groups.setdefault(how, []).append(message_id)
    for (countdown, priority), ids in groups.items():
        enqueue(sorted(ids), countdown=countdown, priority=priority)


def _forget(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


def enqueue(message_ids: list[int], countdown: float | None = None, priority: int = URGENT) -> None:
    mode = current_app.config["OUTBOX_DISPATCH"]
    if mode == "record":
        current_app.extensions.setdefault("outbox_handed_over", []).extend(message_ids)
        return
    celery = current_app.extensions["celery"]
    for message_id in message_ids:
        try:
            celery.send_task(
                DELIVER_TASK, args=[message_id], countdown=countdown, priority=priority, retry=False
            )
        except Exception as error:
            log.warning("outbox message %s not handed to the broker (%s); the sweep will", message_id, error)


def init_dispatch(_app: Flask) -> None:
    """Listen on every Session once per process (several apps may be built, e.g. in tests)."""
    if event.contains(Session, "after_commit", _hand_over):
        return
    event.listen(Session, "after_flush", _note_new_rows)
    event.listen(Session, "after_commit", _hand_over)
    event.listen(Session, "after_rollback", _forget)
