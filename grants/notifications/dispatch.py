"""Hand committed outbox rows to the worker.

Rows are noted when flushed and handed over only after the transaction commits, so a worker never
looks for a row that is not there yet, and a rolled-back action sends nothing. A broker that is
down costs the user nothing: the hand-off is logged and the periodic sweep delivers the row later.
"""

import logging

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from grants.notifications.models import OutboxMessage

log = logging.getLogger("grants.mail")
PENDING_KEY = "grants.outbox_pending"
DELIVER_TASK = "grants.deliver_outbox_message"


def _note_new_rows(session: Session, _flush_context) -> None:
    # In after_flush, session.new still lists what was just inserted, now with primary keys.
    new_ids = {obj.id for obj in session.new if isinstance(obj, OutboxMessage)}
    if new_ids:
        session.info.setdefault(PENDING_KEY, set()).update(new_ids)


def _hand_over(session: Session) -> None:
    ids = session.info.pop(PENDING_KEY, set())
    if ids:
        enqueue(sorted(ids))


def _forget(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


def enqueue(message_ids: list[int]) -> None:
    mode = current_app.config["OUTBOX_DISPATCH"]
    if mode == "record":
        current_app.extensions.setdefault("outbox_handed_over", []).extend(message_ids)
        return
    celery = current_app.extensions["celery"]
    for message_id in message_ids:
        try:
            celery.send_task(DELIVER_TASK, args=[message_id], retry=False)
        except Exception:
            log.exception("could not hand outbox message %s to the broker; the sweep will", message_id)


def init_dispatch(_app: Flask) -> None:
    """Listen on every Session once per process (several apps may be built, e.g. in tests)."""
    if event.contains(Session, "after_commit", _hand_over):
        return
    event.listen(Session, "after_flush", _note_new_rows)
    event.listen(Session, "after_commit", _hand_over)
    event.listen(Session, "after_rollback", _forget)
