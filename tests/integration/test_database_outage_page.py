"""What a person is told when the database goes away under their request: a retryable 503 with
``Retry-After``, as a page or as JSON, and never for an ordinary database error.

The live test (tests/integration/live/test_database_outage.py) cuts a real PostgreSQL connection;
these pin the commit step, which a cut only sometimes hits, by making the commit fail.
"""

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from tests.integration.conftest import csrf_token


def connection_lost(*_args, **_kwargs):
    raise OperationalError(
        "COMMIT", {}, Exception("server closed the connection unexpectedly"), connection_invalidated=True
    )


def constraint_broken(*_args, **_kwargs):
    raise IntegrityError("COMMIT", {}, Exception("duplicate key value"))


@pytest.fixture
def submission(app, client, factory, sign_in, monkeypatch):
    """A signed-in lead about to submit; the app answers errors as in production (no propagation)."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    application = factory.complete_application()
    sign_in(application.lead_applicant)
    return application, csrf_token(client)


def submit(client, submission, **kwargs):
    application, token = submission
    return client.post(f"/applications/{application.id}/submit", data={"csrf_token": token}, **kwargs)


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_commit_that_loses_the_database_answers_503_retry_after(
    client, db_session, submission, monkeypatch, accept
):
    monkeypatch.setattr(db_session, "commit", connection_lost)
    response = submit(client, submission, headers={"Accept": accept})

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    message = "The service is briefly unavailable; nothing was lost — try again in a moment."
    if accept == "application/json":
        assert response.get_json() == {"error": {"status": 503, "message": message}}
    else:
        assert message in response.get_data(as_text=True)
    assert submission[0].state == "draft" and submission[0].reference is None


def test_other_database_errors_stay_500s(client, db_session, submission, monkeypatch):
    monkeypatch.setattr(db_session, "commit", constraint_broken)
    response = submit(client, submission)
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
