"""Bind Celery to a Flask app: each task runs in an app context, in one transaction.

The task commits when it returns and rolls back when it raises, then removes the session, as the
request wrapper does for views.
"""

from celery import Celery, Task
from flask import Flask

from grants.extensions import db


def transport_options(config) -> dict:
    """Broker options. The Redis ones would be passed to ``create_engine`` by the embedded
    SQLAlchemy transport (which refuses them), so they are set for Redis only."""
    options: dict = {"max_retries": 0}
    if str(config["CELERY_BROKER_URL"]).startswith(("redis://", "rediss://")):
        options.update(
            socket_connect_timeout=config["BROKER_CONNECT_TIMEOUT"],
            socket_timeout=5,
            # Redis hands an unacknowledged task to another worker after this; it must outlast
            # every countdown we schedule (retry backoffs), or a waiting retry would run twice.
            visibility_timeout=config["BROKER_VISIBILITY_TIMEOUT"],
        )
    return options


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
        # Late acknowledgement is set per task, only on tasks safe to run twice (IDEMPOTENT):
        # a task a killed worker held runs again rather than being lost.
        task_acks_late=False,
        worker_prefetch_multiplier=1,
        task_always_eager=app.config["CELERY_ALWAYS_EAGER"],
        broker_connection_retry_on_startup=True,
        # Publishing must not hang a request when the broker is away; the sweep covers it.
        broker_connection_timeout=app.config["BROKER_CONNECT_TIMEOUT"],
        broker_transport_options=transport_options(app.config),
        timezone="UTC",
        beat_schedule_filename=app.config["CELERY_BEAT_FILE"],
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
