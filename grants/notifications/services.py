"""Queueing emails: an outbox row written in the caller's transaction.

After commit the dispatcher hands the new row's id to the worker (see ``dispatch``), which calls
``delivery.deliver_message``. A key names each message once: writing the same notification
twice, even from two processes at the same moment, leaves one row (``ON CONFLICT DO NOTHING``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from grants.extensions import db
from grants.notifications.catalogue import EMAILS, wants
from grants.notifications.dispatch import note_for_hand_over, priority_for
from grants.notifications.models import OutboxMessage, OutboxState
from grants.timeutil import DEFAULT_ZONE, utcnow


def insert_message(
    *,
    template: str,
    key: str,
    recipient_email: str,
    recipient: Any | None = None,
    context: dict[str, Any] | None = None,
) -> int | None:
    """Add an outbox row unless one with ``key`` exists or the recipient turned this kind of
    email off; the new row's id, else None."""
    if template not in EMAILS:
        raise ValueError(f"unknown email template {template!r}")
    if not wants(recipient, template):
        return None
    now = utcnow()
    zone = getattr(recipient, "time_zone", None) or DEFAULT_ZONE
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(OutboxMessage)
        .values(
            message_key=key,
            template=template,
            recipient_email=recipient_email,
            recipient_id=getattr(recipient, "id", None),
            language=getattr(recipient, "language", None) or "en",
            context={**(context or {}), "recipient_zone": zone},
            state=OutboxState.PENDING,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
        .on_conflict_do_nothing(index_elements=["message_key"])
        .returning(OutboxMessage.id)
    )
    new_id = db.session.scalar(statement)
    if new_id is not None:
        note_for_hand_over(db.session(), [new_id], priority=priority_for(template))
    return new_id


def queue_email(
    *,
    template: str,
    key: str,
    recipient_email: str,
    recipient: Any | None = None,
    context: dict[str, Any] | None = None,
) -> OutboxMessage | None:
    """Queue one email; returns its row (new or already there), or None when the recipient
    does not receive this kind of email."""
    new_id = insert_message(
        template=template, key=key, recipient_email=recipient_email, recipient=recipient, context=context
    )
    if new_id is not None:
        return db.session.get(OutboxMessage, new_id)
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.message_key == key))
