"""Writing reminders: each at most once per (person, object, milestone), however often the tick
runs and however many beats run it.

The key carries the deadline too, so moving a deadline starts its reminders afresh. Keys already
in the outbox are filtered out with one query per batch (a tick every minute would otherwise try
thousands of inserts that change nothing); the unique key with ``ON CONFLICT DO NOTHING`` settles
the race when two ticks write the same reminder at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from grants.accounts.models import User
from grants.extensions import db
from grants.notifications.models import OutboxMessage
from grants.notifications.services import insert_message

BATCH = 500


@dataclass(frozen=True)
class Reminder:
    template: str
    key: str
    recipient: User
    context: dict[str, Any] = field(default_factory=dict)
    # When the reminder stops making sense; delivery drops it after that instead of sending late.
    stale_after: datetime | None = None


def reminder_key(kind: str, milestone: str, deadline: datetime, *ids: int) -> str:
    """The key names the deadline's day: an officer moving a close from 16:00 to 17:00 sends no
    second round, moving it to another day starts the reminders afresh."""
    stamp = deadline.astimezone(UTC).date().isoformat()
    return ":".join(["reminder", kind, milestone, stamp, *map(str, ids)])


def joined_people(application: Any) -> list[User]:
    """The team members who accepted their invitation: the ones reminders go to."""
    return [m.user for m in application.members if m.user is not None and m.accepted_at is not None]


def send_once(reminders: list[Reminder]) -> int:
    """Queue the reminders not yet in the outbox (``insert_message`` skips people who turned them
    off); returns how many rows this call wrote."""
    written = 0
    # In key order, so two ticks at once insert in the same order and never deadlock.
    reminders = sorted(reminders, key=lambda r: r.key)
    for start in range(0, len(reminders), BATCH):
        batch = reminders[start : start + BATCH]
        existing = set(
            db.session.scalars(
                select(OutboxMessage.message_key).where(OutboxMessage.message_key.in_([r.key for r in batch]))
            )
        )
        for reminder in batch:
            if reminder.key in existing:
                continue
            new_id = insert_message(
                template=reminder.template,
                key=reminder.key,
                recipient_email=reminder.recipient.email,
                recipient=reminder.recipient,
                context={
                    "name": reminder.recipient.full_name,
                    **reminder.context,
                    **({"stale_after": reminder.stale_after.isoformat()} if reminder.stale_after else {}),
                },
            )
            written += new_id is not None
    return written
