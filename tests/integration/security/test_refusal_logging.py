"""What a refusal leaves in the ``grants.access`` log: one record, ids only, naming the rule."""

import logging

import pytest

from grants import create_app
from grants.applications.models import BudgetLine
from grants.extensions import limiter
from tests.integration.conftest import post_form
from tests.integration.security.access_world import access_records, build_world, details_of, watch_access_log


@pytest.fixture
def world(factory):
    return build_world(factory)


@pytest.fixture
def access_log(caplog, monkeypatch):
    return watch_access_log(caplog, monkeypatch)


def only_record(caplog) -> logging.LogRecord:
    records = access_records(caplog)
    assert len(records) == 1, [record.getMessage() for record in records]
    return records[0]


def test_a_refused_object_is_logged_once_with_ids_only(client, sign_in, world, access_log):
    stranger, draft = world.people["stranger"], world.draft_y
    sign_in(stranger)
    access_log.clear()
    assert client.get(f"/applications/{draft.id}/budget").status_code == 403
    record = only_record(access_log)
    assert record.levelno == logging.WARNING
    assert record.access == {
        "user": stranger.id,
        "method": "GET",
        "endpoint": "applications.budget",
        "path": f"/applications/{draft.id}/budget",
        "status": 403,
        "object_kind": "application",
        "object_id": draft.id,
        "rule": "can_view_application",
        "client": "127.0.0.1",
    }
    message = record.getMessage()
    assert stranger.email not in message and stranger.full_name not in message


@pytest.mark.parametrize("action", ["submit", "autosave"])
def test_a_service_refusal_is_named_after_the_function_that_refused(
    client, sign_in, world, access_log, action
):
    """Officers may read a draft, so the route lets them in; the service refuses. The submit view
    turns the refusal into ``abort(403)``, the autosave answers it as a form error (JSON)."""
    sign_in(world.people["officer"])
    access_log.clear()
    data = details_of(world.draft_y) if action == "autosave" else {}
    assert post_form(client, f"/applications/{world.draft_y.id}/{action}", data).status_code == 403
    record = only_record(access_log)
    assert record.access["endpoint"] == f"applications.{action}"
    assert record.access["rule"].startswith("grants.applications.services.")


def test_another_team_s_budget_line_under_one_s_own_draft_is_a_logged_404(
    client, sign_in, world, access_log, db_session
):
    own, line = world.draft_x, world.draft_y.budget_lines[0]
    sign_in(world.people["x_lead"])
    access_log.clear()
    assert post_form(client, f"/applications/{own.id}/budget/{line.id}/remove").status_code == 404
    record = only_record(access_log)
    assert (record.access["status"], record.access["object_id"]) == (404, own.id)
    assert record.access["rule"].startswith("grants.applications.services.budget.")
    assert db_session.get(BudgetLine, line.id) is not None


def test_an_object_that_does_not_exist_is_not_a_refusal(client, sign_in, world, access_log):
    sign_in(world.people["stranger"])
    access_log.clear()
    assert client.get("/applications/987654").status_code == 404
    assert access_records(access_log) == []


def test_sign_in_redirects_are_logged_at_info_without_tokens(client, access_log):
    secret = "a-secret-invitation-token"
    response = post_form(client, f"/invitations/{secret}")
    assert "/sign-in" in response.headers["Location"]
    record = only_record(access_log)
    assert record.levelno == logging.INFO
    assert (record.access["user"], record.access["path"]) == ("anonymous", "/invitations/<token>")
    assert secret not in record.getMessage()


def test_an_undeclared_route_is_logged_as_an_error(app, tmp_path, access_log):
    other = create_app("testing", {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    limiter.init_app(app)  # building another app re-points the shared rate limiter
    other.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    with other.app_context():
        assert other.test_client().get("/forgotten").status_code == 403
    record = only_record(access_log)
    assert record.levelno == logging.ERROR
    assert record.access["rule"] == "no access policy declared"
