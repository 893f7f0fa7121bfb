"""Celery tasks: thin wrappers that take ids and call services (see DESIGN.md).

Every task here is idempotent, so each acknowledges late: a task held by a worker that dies is
run again rather than lost. ``IDEMPOTENT_TASKS`` lists them; a test checks that no other task
acknowledges late.
"""

import logging
from datetime import datetime

from celery import shared_task

from grants.accounts.services.sessions import purge_old_sessions
from grants.applications.services.removed_files import purge_removed_files
from grants.applications.services.uploads import purge_orphan_uploads
from grants.deadlines.tick import run_tick
from grants.notifications.delivery import claim_stale_messages, deliver_message
from grants.notifications.dispatch import DELIVER_TASK
from grants.timeutil import utcnow

log = logging.getLogger("grants.tasks")

IDEMPOTENT_TASKS: set[str] = set()


def idempotent_task(name: str):
    """A task safe to run twice: acknowledged only once it has finished."""
    IDEMPOTENT_TASKS.add(name)
    return shared_task(name=name, acks_late=True)


@idempotent_task(DELIVER_TASK)
def deliver_outbox_message(message_id: int) -> str:
    """Delivery locks its row and does nothing for a row already sent."""
    return deliver_message(message_id).value


@idempotent_task("grants.requeue_pending_mail")
def requeue_pending_mail() -> int:
    """The sweep: hand over again rows whose hand-off was lost (broker down, worker killed)."""
    ids = claim_stale_messages()
    if ids:
        log.info("re-queueing %d pending outbox messages", len(ids))
    return len(ids)


@idempotent_task("grants.tick")
def tick(at: str | None = None) -> dict:
    """Open and close calls at their times and write the reminders now due. Beat sends no
    argument; a fault test simulating hours of beats passes the moment (ISO 8601) to act at."""
    report = run_tick(datetime.fromisoformat(at) if at else utcnow())
    return {
        "opened": report.opened,
        "closed": report.closed,
        "reminders": report.reminders,
        "failed": report.failed,
    }


@idempotent_task("grants.purge_old_sessions")
def purge_old_sessions_task() -> int:
    return purge_old_sessions()


@idempotent_task("grants.purge_orphan_uploads")
def purge_orphan_uploads_task() -> int:
    return purge_orphan_uploads(utcnow())


@idempotent_task("grants.purge_removed_files")
def purge_removed_files_task() -> int:
    """Forget files removed longer ago than they stay restorable; the orphan sweep takes the files."""
    return purge_removed_files(utcnow())
