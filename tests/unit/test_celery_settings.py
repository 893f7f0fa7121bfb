"""The Celery settings that keep the delivery promises (see issue: nothing lost, no needless
duplicates, nothing late)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab

from tests.conftest import build_app
from workers.beat_schedule import BEAT_SCHEDULE
from workers.tasks import IDEMPOTENT_TASKS

ROOT = Path(__file__).resolve().parents[2]


def test_late_acknowledgement_only_for_idempotent_tasks(app):
    celery = app.extensions["celery"]
    assert celery.conf.task_acks_late is False
    ours = {name: task for name, task in celery.tasks.items() if name.startswith("grants.")}
    assert set(ours) == IDEMPOTENT_TASKS, "every task of ours is listed as idempotent, and no other"
    late = {name for name, task in ours.items() if task.acks_late}
    assert late == IDEMPOTENT_TASKS


def test_a_worker_takes_one_task_at_a_time(app):
    assert app.extensions["celery"].conf.worker_prefetch_multiplier == 1


@pytest.fixture
def on_redis(instance_dir):
    """The app as production configures it: Redis as the broker (nothing connects here)."""
    return build_app(
        instance_dir, SQLALCHEMY_DATABASE_URI="sqlite://", CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
    )


def test_redis_visibility_timeout_outlasts_every_countdown_and_lease(on_redis):
    config = on_redis.config
    visibility = on_redis.extensions["celery"].conf.broker_transport_options["visibility_timeout"]
    assert visibility > config["OUTBOX_RETRY_CAP_SECONDS"], "a waiting retry would be handed out twice"
    assert visibility > config["OUTBOX_LEASE_SECONDS"]
    assert visibility > config["OUTBOX_SWEEP_AFTER_SECONDS"]


def test_publishing_never_waits_for_a_broker_that_is_down(on_redis):
    conf = on_redis.extensions["celery"].conf
    assert conf.broker_transport_options["max_retries"] == 0
    assert conf.broker_connection_timeout <= 1
    assert conf.broker_transport_options["socket_connect_timeout"] <= 1


def test_the_embedded_broker_gets_no_redis_options(app):
    """The SQLAlchemy transport hands its options to create_engine, which refuses unknown ones."""
    assert app.config["CELERY_BROKER_URL"].startswith("sqla+sqlite")
    assert app.extensions["celery"].conf.broker_transport_options == {"max_retries": 0}


def test_beat_only_ticks_and_sweeps_every_minute_and_purges_hourly():
    intervals = {name: entry["schedule"] for name, entry in BEAT_SCHEDULE.items()}
    assert intervals["tick"] == 60.0
    assert intervals["requeue-pending-mail"] == 60.0
    others = [s for name, s in intervals.items() if name not in ("tick", "requeue-pending-mail")]
    assert all(isinstance(s, crontab) for s in others)
    assert {entry["task"] for entry in BEAT_SCHEDULE.values()} <= IDEMPOTENT_TASKS
    # Missed minutes are not all run at once when a worker comes back: the next one does the work.
    assert all(BEAT_SCHEDULE[name]["options"]["expires"] < 60 for name in ("tick", "requeue-pending-mail"))


def test_nothing_is_put_in_the_broker_days_ahead():
    """Reminders are written by the tick when due, never scheduled with an ETA. One module
    publishes tasks; its only delay is a delivery retry's countdown, capped below the visibility
    timeout (the test above and the retry policy's tests)."""
    sources = [p for folder in ("grants", "workers") for p in (ROOT / folder).rglob("*.py")]
    publishers = {
        p.relative_to(ROOT).as_posix()
        for p in sources
        if re.search(r"\.(send_task|apply_async|retry)\(", p.read_text())
    }
    assert publishers == {"grants/notifications/dispatch.py"}
    assert not [p for p in sources if re.search(r"\beta\s*=", p.read_text())]


def test_the_retry_cap_is_minutes_not_days(app):
    assert timedelta(seconds=app.config["OUTBOX_RETRY_CAP_SECONDS"]) <= timedelta(hours=1)
