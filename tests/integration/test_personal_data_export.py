"""A person downloads everything held about them; an administrator can do it for them."""

import json

import pytest
from sqlalchemy import func, insert, select

from grants.accounts.models import RecoveryCode
from grants.applications.services.submission import submit_application
from grants.audit.models import AuditEvent
from grants.errors import PermissionDenied
from grants.privacy.export import CHUNK_CHARS, export_personal_data
from grants.timeutil import utcnow
from tests.integration.conftest import post_form


def download(client, url):
    response = post_form(client, url)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Disposition"].startswith("attachment; filename=personal-data-")
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.get_data(as_text=True))


def exports_of(factory, person) -> int:
    return factory.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "account.data_exported", AuditEvent.subject_id == person.id)
    )


def test_a_researcher_downloads_their_account_sessions_and_applications(app, factory, sign_in, client):
    application = factory.complete_application()
    person = application.lead_applicant
    submit_application(person, application.id, utcnow())  # the receipt is an email to them
    person.totp_secret = "sealed-secret-value"
    factory.session.add(RecoveryCode(user_id=person.id, code_hash="c" * 64))
    factory.session.flush()
    client.environ_base["HTTP_USER_AGENT"] = "Firefox/140 on Linux"
    sign_in(person, http_client=client)

    data = download(client, "/profile/personal-data")
    body = json.dumps(data)
    assert data["account"]["email"] == person.email
    assert data["account"]["full_name"] == person.full_name
    assert data["account"]["password"] == "stored, not exported"
    assert data["account"]["two_factor"]["secret"] == "stored, not exported"
    assert data["account"]["two_factor"]["recovery_codes"] == {"total": 1, "unused": 1}
    assert person.password_hash not in body and "sealed-secret-value" not in body and "c" * 64 not in body
    assert any(s["device"] == "Firefox/140 on Linux" for s in data["sign_in_sessions"])
    (mine,) = data["applications"]
    assert mine["content"]["title"] == application.title
    assert (mine["your_role"], mine["application"]) == ("lead", application.reference)
    assert {f["kind"] for f in data["files"]} >= {"case_for_support", "cv"}
    assert all(f["sha256"] and f["application"] == application.reference for f in data["files"])
    assert data["emails_sent_to_you"] and all(e["to"] == person.email for e in data["emails_sent_to_you"])
    assert data["audit_events"] and all(e["by"] == "you" for e in data["audit_events"])
    assert exports_of(factory, person) == 1


def test_a_reviewer_sees_their_own_review_and_never_another_reviewers(factory):
    _call, (application,), officer = factory.deciding_call(1)
    mine = factory.submitted_review(officer, application, for_applicant="Strong field design.", score=5)
    theirs = factory.submitted_review(officer, application, for_applicant="Weak data plan.", score=2)

    body = "".join(export_personal_data(mine, mine))
    data = json.loads(body)
    (review,) = data["reviews"]
    assert review["review"]["comments_for_applicant"].startswith("Strong field design.")
    assert [s["score"] for s in review["review"]["scores"]] == [5]
    assert data["reviewer_profile"]["keywords"]
    assert "Weak data plan." not in body
    assert theirs.email not in body and theirs.full_name not in body


def test_an_administrator_exports_for_a_person_and_no_one_else_can(app, factory, sign_in):
    person = factory.researcher()
    admin_client, other_client = app.test_client(), app.test_client()
    admin = factory.user(roles=["admin"])
    sign_in(admin, http_client=admin_client)
    sign_in(factory.officer(), http_client=other_client)

    data = download(admin_client, f"/admin/users/{person.id}/personal-data")
    assert data["account"]["email"] == person.email
    event = factory.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.data_exported"))
    assert (event.actor_id, event.subject_id) == (admin.id, person.id)

    assert post_form(other_client, f"/admin/users/{person.id}/personal-data").status_code == 403
    with pytest.raises(PermissionDenied):
        export_personal_data(factory.researcher(), person)
    assert exports_of(factory, person) == 1


def test_thousands_of_audit_events_are_streamed_in_chunks(factory):
    officer = factory.officer()
    events = [
        {
            "actor_id": officer.id,
            "action": "call.updated",
            "subject_type": "Call",
            "subject_id": number,
            "changes": {"title": [f"Call {number}", f"Call {number + 1}"]},
            "occurred_at": utcnow(),
        }
        for number in range(3000)
    ]
    factory.session.execute(insert(AuditEvent), events)

    chunks = list(export_personal_data(officer, officer))
    assert len(chunks) > 3 and all(len(chunk) < 2 * CHUNK_CHARS for chunk in chunks)
    data = json.loads("".join(chunks))
    assert len(data["audit_events"]) >= 3000
    assert data["audit_events"][0]["by"] == "you"
