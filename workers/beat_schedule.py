"""The one beat schedule. Every periodic task is idempotent and safe to run twice at once."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "requeue-pending-mail": {"task": "grants.requeue_pending_mail", "schedule": 60.0},
    "purge-old-sessions": {"task": "grants.purge_old_sessions", "schedule": crontab(minute=17)},
    "close-calls-past-deadline": {"task": "grants.close_calls_past_deadline", "schedule": 60.0},
    "purge-orphan-uploads": {"task": "grants.purge_orphan_uploads", "schedule": crontab(minute=43)},
}
