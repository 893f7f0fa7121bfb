"""The only place that builds the Flask app for workers.

Start a worker with ``celery -A workers.celery_app worker`` and the scheduler with
``celery -A workers.celery_app beat``.
"""

from celery.signals import worker_process_init

from grants import create_app
from grants.extensions import db
from workers.beat_schedule import BEAT_SCHEDULE

flask_app = create_app()
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = BEAT_SCHEDULE
celery.conf.include = ["workers.tasks"]
import workers.tasks  # noqa: E402,F401  (registers the tasks)

app = celery


@worker_process_init.connect
def _fresh_connections_after_fork(**_kwargs) -> None:
    """A forked worker must not share the parent's database connections."""
    with flask_app.app_context():
        db.engine.dispose(close=False)
