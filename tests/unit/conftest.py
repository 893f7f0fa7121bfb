"""Unit tier: no database. Any SQL statement raises, so a unit test cannot lean on one."""

import pytest
from sqlalchemy import event

from grants.extensions import db
from tests.conftest import build_app


class DatabaseTouched(RuntimeError):
    pass


@pytest.fixture(scope="session")
def app(instance_dir):
    app = build_app(instance_dir, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():

        @event.listens_for(db.engine, "before_cursor_execute")
        def _refuse(*_args, **_kwargs):
            raise DatabaseTouched("unit tests must not touch the database")

    return app


@pytest.fixture(autouse=True)
def app_context(app):
    with app.test_request_context():
        yield
