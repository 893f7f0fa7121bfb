"""Celery tasks: thin wrappers that take ids and call services (see DESIGN.md)."""

import logging

from celery import shared_task

from grants.accounts.services.sessions import purge_old_sessions
from grants.applications.services.uploads import purge_orphan_uploads
from grants.calls.services.lifecycle import close_calls_past_deadline
from grants.notifications.dispatch import DELIVER_TASK, enqueue
from grants.notifications.services import deliver_message, pending_message_ids
from grants.timeutil import utcnow

log = logging.getLogger("grants.tasks")


@shared_task(name=DELIVER_TASK)
def deliver_outbox_message(message_id: int) -> bool:
    return deliver_message(message_id)


@shared_task(name="grants.requeue_pending_mail")
def requeue_pending_mail() -> int:
    """Hand over again the rows whose first hand-off was lost (broker down, worker killed)."""
    ids = pending_message_ids(older_than_seconds=60)
    if ids:
        log.info("re-queueing %d pending outbox messages", len(ids))
        enqueue(ids)
    return len(ids)


@shared_task(name="grants.purge_old_sessions")
def purge_old_sessions_task() -> int:
    return purge_old_sessions()


@shared_task(name="grants.close_calls_past_deadline")
def close_calls_past_deadline_task() -> list[int]:
    """Move open calls past their closing time to closed. Submissions never wait for this: they
    check the clock themselves; this keeps the lists and the officers' pages in step."""
    return close_calls_past_deadline(utcnow())


@shared_task(name="grants.purge_orphan_uploads")
def purge_orphan_uploads_task() -> int:
    return purge_orphan_uploads(utcnow())
