"""The one beat schedule. Beat knows no deadlines: it fires the minute tick, which reads them
from the database, and the outbox sweep. Every periodic task is idempotent and safe to run twice
at once (two beats started by mistake send each reminder once)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "tick": {"task": "grants.tick", "schedule": 60.0},
    "requeue-pending-mail": {"task": "grants.requeue_pending_mail", "schedule": 60.0},
    "purge-old-sessions": {"task": "grants.purge_old_sessions", "schedule": crontab(minute=17)},
    "purge-orphan-uploads": {"task": "grants.purge_orphan_uploads", "schedule": crontab(minute=43)},
}
