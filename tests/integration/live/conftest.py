"""Live tests commit for real into their own databases and talk to real services, so the
per-test transaction of the integration tier is switched off here."""

import pytest

from grants.extensions import db, limiter
from tests.conftest import build_app
from tests.services import fresh_postgres_database


@pytest.fixture(autouse=True)
def db_session():
    yield None


@pytest.fixture
def own_app(monkeypatch, tmp_path_factory):
    """Build an app from environment settings; re-point the shared limiter at memory afterwards."""
    from grants import create_app

    built = []

    def build(config_name: str, env: dict[str, str]):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        built.append(create_app(config_name))
        return built[-1]

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    limiter.init_app(build_app(tmp_path_factory.mktemp("limiter"), SQLALCHEMY_DATABASE_URI="sqlite://"))


@pytest.fixture
def worker_database():
    """A fresh PostgreSQL database beside the test one, for data that is really committed."""
    return fresh_postgres_database("worker")
