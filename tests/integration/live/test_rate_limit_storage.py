"""Sign-in throttling keeps its counters in Redis in production and still works when Redis is down;
the per-address limit counts the visitor's real address, not one a client can make up."""

import time
from urllib.parse import urlsplit

import flask_migrate
import pytest
import redis

from config.production import ProductionConfig
from grants.extensions import db, limiter
from tests.conftest import build_app
from tests.factories import Factory
from tests.integration.live.proxy import TcpProxy
from tests.services import require_redis


def app_with_limiter_storage(tmp_path, storage_uri, **overrides):
    app = build_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'limits.sqlite'}",
        RATELIMIT_STORAGE_URI=storage_uri,
        WTF_CSRF_ENABLED=False,
        **overrides,
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


@pytest.mark.redis
def test_sign_in_carries_on_when_redis_goes_away_mid_flight_and_stays_throttled(tmp_path, restore_limiter):
    """Redis answering first, then cut (as a restart or a network fault does): sign-in falls back
    to counting in memory (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``) without waiting on Redis."""
    url = require_redis()
    target = urlsplit(url)
    redis.Redis.from_url(url).flushdb()
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    proxy.up()
    try:
        proxied = f"redis://127.0.0.1:{proxy.port}{target.path or '/0'}"
        app, email = app_with_limiter_storage(tmp_path, proxied)
        limiter._storage_dead = False  # Flask-Limiter keeps this across init_app; an earlier test set it
        assert attempts(app, email, "wrong-guess-1", 2) == [401, 401]
        assert redis.Redis.from_url(url).keys("*"), "counted in Redis while it was up"

        proxy.down()
        started = time.monotonic()
        assert attempts(app, email, Factory.PASSWORD, 1) == [302]
        assert attempts(app, email, "wrong-guess-1", 6)[-1] == 429
        assert time.monotonic() - started < 5, "a request waited on Redis"
    finally:
        proxy.down()


def failures_from(app, remote_addr: str, forwarded_for: list[str]) -> list[int]:
    """One wrong sign-in per account (so only the address limit can bite), each claiming the
    next ``X-Forwarded-For`` value."""
    client = app.test_client()
    return [
        client.post(
            "/sign-in",
            data={"email": f"guess{n}@example.org", "password": "Summer2018!"},
            headers={"X-Forwarded-For": forwarded},
            environ_base={"REMOTE_ADDR": remote_addr},
        ).status_code
        for n, forwarded in enumerate(forwarded_for)
    ]


def test_without_a_proxy_a_made_up_x_forwarded_for_does_not_escape_the_address_limit(
    tmp_path, restore_limiter
):
    app, _email = app_with_limiter_storage(tmp_path, "memory://", SIGN_IN_LIMIT_PER_ADDRESS="3 per minute")
    made_up = [f"198.51.100.{n}" for n in range(5)]
    assert failures_from(app, "203.0.113.7", made_up) == [401] * 3 + [429] * 2


def test_behind_one_proxy_the_limit_counts_each_visitors_real_address(tmp_path, restore_limiter):
    app, _email = app_with_limiter_storage(
        tmp_path, "memory://", SIGN_IN_LIMIT_PER_ADDRESS="3 per minute", PROXY_COUNT=1
    )
    proxy_address = "10.0.0.2"
    # The proxy appends the address it saw; whatever the client sent before it is not trusted.
    spoofing = [f"198.51.100.{n}, 203.0.113.7" for n in range(5)]
    assert failures_from(app, proxy_address, spoofing) == [401] * 3 + [429] * 2
    assert failures_from(app, proxy_address, ["203.0.113.8"]) == [401], "another visitor is not throttled"


def test_production_reads_the_proxy_count_from_the_environment(monkeypatch):
    monkeypatch.setenv("PROXY_COUNT", "1")
    assert ProductionConfig.from_environment()["PROXY_COUNT"] == "1"
