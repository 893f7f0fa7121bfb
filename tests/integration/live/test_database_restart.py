"""Pooled PostgreSQL connections that the server dropped (a restart, a failover) are replaced."""

import flask_migrate
import pytest
from sqlalchemy import create_engine, text

from grants.extensions import db
from tests.conftest import build_app


@pytest.mark.postgres
def test_requests_survive_the_server_dropping_every_connection(tmp_path, worker_database):
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=worker_database)
    with app.app_context():
        flask_migrate.upgrade()
    client = app.test_client()
    assert client.get("/healthz").get_json()["database"] == "up"

    # What a restart does to the pool: every server-side connection of this database ends.
    admin = create_engine(worker_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    admin.dispose()
    assert ended >= 1

    assert client.get("/healthz").get_json()["database"] == "up"
    assert client.get("/sign-in").status_code == 200
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
