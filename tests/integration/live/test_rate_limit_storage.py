"""Sign-in throttling keeps its counters in Redis in production and still works when Redis is down."""

import flask_migrate
import pytest
import redis

from grants.extensions import db, limiter
from tests.conftest import build_app
from tests.factories import Factory
from tests.services import require_redis


def app_with_limiter_storage(tmp_path, storage_uri):
    app = build_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'limits.sqlite'}",
        RATELIMIT_STORAGE_URI=storage_uri,
        WTF_CSRF_ENABLED=False,
    )
    with app.app_context():
        flask_migrate.upgrade()
        user = Factory(db.session).user(email="throttled@example.org")
        db.session.commit()
        email = user.email
    return app, email


def attempts(app, email, password, count):
    client = app.test_client()
    return [
        client.post("/sign-in", data={"email": email, "password": password}).status_code for _ in range(count)
    ]


@pytest.fixture
def restore_limiter(tmp_path_factory):
    yield
    limiter.init_app(build_app(tmp_path_factory.mktemp("limiter"), SQLALCHEMY_DATABASE_URI="sqlite://"))


@pytest.mark.redis
def test_counters_live_in_redis(tmp_path, restore_limiter):
    url = require_redis()
    store = redis.Redis.from_url(url)
    store.flushdb()
    app, email = app_with_limiter_storage(tmp_path, url)

    assert attempts(app, email, "wrong-guess-1", 6) == [401] * 5 + [429]
    assert any(b"throttled@example.org" in key for key in store.keys("*"))
    store.flushdb()  # the counters are Redis's: clearing them there lifts the throttle
    assert attempts(app, email, Factory.PASSWORD, 1) == [302]


def test_sign_in_still_works_and_is_still_throttled_when_redis_is_down(tmp_path, restore_limiter):
    app, email = app_with_limiter_storage(tmp_path, "redis://127.0.0.1:1/0")
    assert attempts(app, email, Factory.PASSWORD, 1) == [302]
    assert attempts(app, email, "wrong-guess-1", 6)[-1] == 429
