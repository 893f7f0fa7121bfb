"""Hand committed outbox rows to the worker: the broker is the doorbell, the database the truth.

Rows are noted when written and handed over only after the transaction commits, so a worker never
looks for a row that is not there yet, and a rolled-back action sends nothing. Savepoints count
too: SQLAlchemy signals their release and rollback with the same events as a real commit, so each
noted row remembers the savepoint it was written in; a released savepoint passes its rows to its
parent, a rolled-back one drops only its own, and only the outermost commit hands them over. Publishing never
blocks or fails a request: the broker client does not retry (``max_retries`` 0, a short socket
timeout), a failed publish is logged, and the beat's sweep hands the row over later.
"""

import logging

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from grants.notifications.catalogue import EMAILS

log = logging.getLogger("grants.mail")
PENDING_KEY = "grants.outbox_pending"
DELIVER_TASK = "grants.deliver_outbox_message"


# Redis serves lower numbers first: receipts and resets never wait behind a round of reminders.
URGENT, BULK = 0, 6


def priority_for(template: str) -> int:
    """Optional emails (reminders, digests) are bulk; everything a person is waiting for is urgent."""
    return BULK if EMAILS[template].optional else URGENT


def note_for_hand_over(
    session: Session, message_ids: list[int], countdown: float | None = None, priority: int = URGENT
) -> None:
    """Hand these rows to the worker once ``session`` commits (after ``countdown`` seconds)."""
    pending = session.info.setdefault(PENDING_KEY, {})
    savepoint = session.get_nested_transaction()
    for message_id in message_ids:
        pending[message_id] = (countdown, priority, savepoint)


def _hand_over(session: Session) -> None:
    released = session.get_nested_transaction()
    if released is not None:  # a savepoint released: its rows now belong to the one around it
        parent = released.parent if released.parent is not None and released.parent.nested else None
        pending = session.info.get(PENDING_KEY, {})
        for message_id, (countdown, priority, savepoint) in list(pending.items()):
            if savepoint is released:
                pending[message_id] = (countdown, priority, parent)
        return
    groups: dict[tuple[float | None, int], list[int]] = {}
    for message_id, (countdown, priority, _savepoint) in session.info.pop(PENDING_KEY, {}).items():
        groups.setdefault((countdown, priority), []).append(message_id)
    for (countdown, priority), ids in groups.items():
        enqueue(sorted(ids), countdown=countdown, priority=priority)


def _forget(session: Session, rolled_back) -> None:
    if not rolled_back.nested:
        session.info.pop(PENDING_KEY, None)
        return
    pending = session.info.get(PENDING_KEY, {})
    for message_id, (_countdown, _priority, savepoint) in list(pending.items()):
        if savepoint is rolled_back:
            del pending[message_id]


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
    event.listen(Session, "after_commit", _hand_over)
    event.listen(Session, "after_soft_rollback", _forget)
