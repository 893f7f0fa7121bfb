"""Engine tuning and the commit-per-request rule.

Services only ``flush()``. A request that answers below 400 is committed once, after the view;
anything else is rolled back, so a refused action changes nothing.
"""

import os
import weakref
from typing import Any

from flask import Flask, Response
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import MANYTOONE

from grants.extensions import db

_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def _fresh_pools_after_fork() -> None:
    """A process forked from this one (gunicorn's workers, with ``preload_app``) opens its own
    connections rather than sharing the parent's: SQLAlchemy's documented recipe."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_fresh_pools_after_fork)


def configure_sqlite(engine: Engine) -> None:
    """Give SQLite real transactions (and so SAVEPOINTs), foreign keys and a write timeout.

    pysqlite's own transaction handling defers BEGIN and breaks savepoints; SQLAlchemy's
    documented recipe takes it over. Transactions begin IMMEDIATE: a deferred one that has read
    and then writes after another process (the worker) committed fails at once with "database is
    locked", whatever the busy timeout; an immediate one waits its turn instead. This serialises
    writers, which suits the embedded default; production runs on PostgreSQL.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_database(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        _ENGINES.update(db.engines.values())

    @app.after_request
    def _commit_successful_request(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _roll_back_on_error(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()


def lock_and_reload(instance: Any) -> Any:
    """Take ``instance``'s row lock and reload it, so the checks that follow see the latest
    committed state, not what this session read before another transaction committed.

    On PostgreSQL this is ``SELECT ... FOR UPDATE``, held until the transaction ends; SQLite's
    IMMEDIATE transactions already serialise writers. One statement locks the row and reloads its
    columns. Collections load again when next read; a parent it points to (the call of an
    application) is kept unless the reloaded row now points elsewhere. Expiring the whole object
    instead reloaded the parent and its eager collections too: four more statements on every save."""
    mapper = inspect(type(instance))
    loaded = inspect(instance).dict
    db.session.flush()
    db.session.refresh(instance, [column.key for column in mapper.column_attrs], with_for_update=True)
    stale = [
        rel.key
        for rel in mapper.relationships
        if rel.direction is not MANYTOONE or (rel.key in loaded and _points_elsewhere(instance, rel))
    ]
    db.session.expire(instance, stale)
    return instance


def _points_elsewhere(instance: Any, relationship: Any) -> bool:
    """Whether a loaded many-to-one holds another object than the row's foreign key names."""
    mapper = inspect(type(instance))
    keys = tuple(
        getattr(instance, mapper.get_property_by_column(local).key)
        for local, _ in relationship.local_remote_pairs
    )
    target = inspect(instance).dict[relationship.key]
    if target is None:
        return any(key is not None for key in keys)
    target_mapper = inspect(type(target))
    return keys != tuple(
        getattr(target, target_mapper.get_property_by_column(remote).key)
        for _, remote in relationship.local_remote_pairs
    )
