"""Writing audit events. Every state-changing service calls ``record``."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.timeutil import utcnow


def record(
    actor: Any | None,
    action: str,
    subject: Any,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event for ``actor`` doing ``action`` to ``subject`` (any mapped object)."""
    db.session.flush()  # the subject needs its id
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=subject.__class__.__name__,  # the model's name, through current_user's proxy too
        subject_id=getattr(subject, "id", None),
        changes=changes or {},
        occurred_at=utcnow(),  # when the change happened, not when the session next flushes
    )
    db.session.add(event)
    return event


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values differ, as ``{field: [old, new]}``."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def history_of(subject: Any, limit: int = 100) -> list[AuditEvent]:
    """The newest audit events about ``subject``, newest first, with their actors."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == type(subject).__name__, AuditEvent.subject_id == subject.id)
            .options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
