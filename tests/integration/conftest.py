"""Integration tier: a real database, migrated with the project's own migrations.

Each test runs inside one outer transaction that is rolled back at the end; the app's commits
become savepoint releases. Every test runs on SQLite and, when ``TEST_DATABASE_URL`` is set, on
PostgreSQL too.
"""

import re

import flask_migrate
import pytest
from flask import g
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import create_engine, select, text

from grants.accounts.models import User
from grants.extensions import db, limiter
from tests.conftest import build_app
from tests.factories import Factory, totp_code
from tests.services import require_postgres


def _reset_postgres(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def app(request, tmp_path_factory):
    instance = tmp_path_factory.mktemp(f"instance-{request.param}")
    if request.param == "postgresql":
        url = require_postgres()
        _reset_postgres(url)
    else:
        url = f"sqlite:///{instance / 'test.sqlite'}"
    app = build_app(instance, SQLALCHEMY_DATABASE_URI=url)
    app.test_client_class = CommittingClient
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def db_session(app):
    """One outer transaction per test; the app's own commits only release savepoints."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": BoundSession}
        )
        limiter.reset()
        app.extensions["outbox_handed_over"] = []
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


class BoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks engines itself; this one keeps to the test's connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


class CommittingClient(FlaskClient):
    """A test client that fails any request leaving uncommitted changes in the session."""

    def open(self, *args, **kwargs):
        # The test's app context outlives requests; each request must start with a fresh ``g``
        # (Flask-Login and Flask-WTF cache the user and the CSRF token there).
        vars(g).clear()
        response = super().open(*args, **kwargs)
        session = db.session
        pending = list(session.new) + list(session.dirty) + list(session.deleted)
        assert not pending, f"request left uncommitted changes: {pending!r}"
        return response


CSRF_PATTERN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, page: str = "/password/forgot") -> str:
    """The session's CSRF token, read from a page that always renders a form."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_PATTERN.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def post_form(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST ``data`` with a valid CSRF token, as a browser would."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


def sign_in_through_forms(client: FlaskClient, email: str, password: str):
    """Sign in as a browser does; when the account asks for a second factor, type the current
    code of ``TOTP_SECRET`` (every factory-made account with two-factor shares it). Returns the
    last response: the redirect into the site, or the page that refused."""
    response = post_form(client, "/sign-in", {"email": email, "password": password})
    if response.status_code == 302 and response.headers["Location"].startswith("/sign-in/code"):
        user = db.session.scalar(select(User).where(User.email == email.lower()))
        # Each code works once: a test that signs the same person in twice within one 30-second
        # step would be refused as a replay, so forget the last step as if time had passed.
        user.totp_last_step = None
        db.session.flush()
        response = post_form(client, "/sign-in/code", {"code": totp_code()})
    return response


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def factory(db_session):
    return Factory(db_session)


@pytest.fixture
def sign_in(client, factory):
    """Sign ``user`` in through the real form; returns the response."""

    def _sign_in(user, password=Factory.PASSWORD, http_client=None):
        return sign_in_through_forms(http_client or client, user.email, password)

    return _sign_in
