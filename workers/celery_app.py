"""The only place that builds the Flask app for workers. A forked pool process opens its own
database connections (grants.database resets the pools after every fork).

Start a worker with ``celery -A workers.celery_app worker`` and the scheduler with
``celery -A workers.celery_app beat``.
"""

from grants import create_app
from workers.beat_schedule import BEAT_SCHEDULE

flask_app = create_app()
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = BEAT_SCHEDULE
celery.conf.include = ["workers.tasks"]
import workers.tasks  # noqa: E402,F401  (registers the tasks)

app = celery
