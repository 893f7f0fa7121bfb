"""The deadline-rush benchmark's seed: thousands of drafts copied from one built through the
services. A copy must be as good as the original: nothing on its checklist, its own people and
files, and a lead who can sign in, save and submit it over HTTP with receipts for both leads."""

from datetime import timedelta

from sqlalchemy import func, select

from grants.applications.models import Application, Attachment
from grants.applications.services.checklist import gaps
from grants.applications.states import ApplicationState
from grants.applications.storage import path_of
from grants.demo import ready_drafts
from grants.extensions import db
from grants.notifications.models import OutboxMessage
from grants.security.passwords import hash_password
from grants.timeutil import utcnow
from tests.integration.conftest import post_form

PASSWORD = "deadline-rush-password-1"


def test_every_copy_is_complete_with_its_own_people_and_files(monkeypatch):
    monkeypatch.setattr(ready_drafts, "BATCH", 7)  # several batches of copies
    now = utcnow()
    seeded = ready_drafts.seed_ready_drafts(20, hash_password(PASSWORD), now, closes_in=timedelta(hours=1))
    db.session.commit()

    applications = db.session.scalars(
        select(Application).where(Application.id.in_(seeded.application_ids))
    ).all()
    assert len(applications) == len(set(seeded.lead_emails)) == 20
    for application in applications:
        assert gaps(application, now) == [], application.id
        assert application.state == ApplicationState.DRAFT and application.reference is None
        assert application.lead_applicant.email in seeded.lead_emails
        assert {member.user_id for member in application.members} >= {application.lead_applicant_id}
        assert len(application.members) == 2
    people = {member.user_id for application in applications for member in application.members}
    assert len(people) == 40
    stored = db.session.scalars(
        select(Attachment.stored_name).where(Attachment.application_id.in_(seeded.application_ids))
    ).all()
    assert len(stored) == len(set(stored)) == 60
    assert all(path_of(name).is_file() for name in stored)


def test_a_copy_signs_in_saves_and_submits_over_http(client):
    now = utcnow()
    seeded = ready_drafts.seed_ready_drafts(3, hash_password(PASSWORD), now, closes_in=timedelta(hours=1))
    db.session.commit()
    application = db.session.get(Application, seeded.application_ids[-1])

    signed_in = post_form(client, "/sign-in", {"email": seeded.lead_emails[-1], "password": PASSWORD})
    assert signed_in.status_code == 302 and "/sign-in" not in signed_in.location
    saved = post_form(
        client,
        f"/applications/{application.id}/autosave",
        {
            "section": "details",
            "version": application.details_version,
            "title": application.title,
            "abstract": "Typed in the last hour.",
            "priority_area": application.priority_area,
            "keywords": application.keywords,
            "start_date": application.start_date.isoformat(),
            "duration_months": application.duration_months,
        },
    )
    assert saved.status_code == 200 and saved.json["saved"] is True, saved.json
    submitted = post_form(client, f"/applications/{application.id}/submit")
    assert submitted.status_code == 303

    assert application.state == ApplicationState.SUBMITTED and application.reference.startswith("RUSH-")
    receipts = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.message_key.like(f"application_submitted:{application.id}:1:%")
        )
    )
    assert receipts == 2
