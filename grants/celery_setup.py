"""Bind Celery to a Flask app: each task runs in an app context, in one transaction.

The task commits when it returns and rolls back when it raises, then removes the session, as the
request wrapper does for views.
"""

from celery import Celery, Task
from flask import Flask

from grants.extensions import db


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                try:
                    result = self.run(*args, **kwargs)
                    db.session.commit()
                    return result
                except BaseException:
                    db.session.rollback()
                    raise
                finally:
                    db.session.remove()

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_always_eager=app.config["CELERY_ALWAYS_EAGER"],
        broker_connection_retry_on_startup=True,
        # Publishing must not hang a request when the broker is away; the sweep covers it.
        broker_transport_options={"max_retries": 0},
        timezone="UTC",
        beat_schedule_filename=app.config["CELERY_BEAT_FILE"],
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
