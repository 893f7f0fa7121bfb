"""The one beat schedule. Beat knows no deadlines: it fires the minute tick, which reads them
from the database, and the outbox sweep. Every periodic task is idempotent and safe to run twice
at once (two beats started by mistake send each reminder once)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # A tick or sweep not started within the minute is dropped: the next one does the same work,
    # so a worker back from an outage does not run every missed minute first.
    "tick": {"task": "grants.tick", "schedule": 60.0, "options": {"expires": 55}},
    "requeue-pending-mail": {
        "task": "grants.requeue_pending_mail",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "purge-old-sessions": {"task": "grants.purge_old_sessions", "schedule": crontab(minute=17)},
    "purge-orphan-uploads": {"task": "grants.purge_orphan_uploads", "schedule": crontab(minute=43)},
    # Before the orphan sweep, so a purged file's bytes go within the same hour.
    "purge-removed-files": {"task": "grants.purge_removed_files", "schedule": crontab(minute=37)},
}
