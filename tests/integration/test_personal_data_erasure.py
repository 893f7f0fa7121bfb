"""Erasure anonymises a person everywhere and keeps the audit trail whole."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import JSON, String, Text, cast, func, select

from grants.accounts.models import AuthSession, RecoveryCode, RoleInvitation, User
from grants.accounts.services.email_change import confirm_email_change, request_email_change
from grants.accounts.services.profile import update_profile
from grants.applications.models import Attachment
from grants.applications.services.attachments import upload_attachment
from grants.audit.models import AuditEvent
from grants.audit.services import record
from grants.demo.pdf import one_page_pdf
from grants.errors import Conflict, PermissionDenied, ValidationError
from grants.extensions import db
from grants.notifications.models import OutboxMessage
from grants.privacy.erasure import erase_person
from grants.reviews.models import Collaborator, ReviewAssignment, ReviewerProfile, UnavailablePeriod
from grants.timeutil import utcnow
from tests.integration.conftest import post_form

NAME = "Margarethe Quillfeather"
EMAIL = "m.quillfeather@wheat.example.ac.uk"
ORCID = "0000-0002-1825-0097"


def columns_containing(needles: list[str]) -> list[str]:
    """Every text or JSON column of every mapped table (walked from the metadata, so tables added
    later are covered) whose stored text contains one of ``needles``, as it is or JSON-escaped."""
    patterns = {escaped for needle in needles for escaped in (needle, json.dumps(needle)[1:-1])}
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON):
                continue
            text = cast(column, Text) if isinstance(column.type, JSON) else column
            for pattern in patterns:
                hits = db.session.scalar(
                    select(func.count()).select_from(table).where(text.contains(pattern, autoescape=True))
                )
                if hits:
                    found.append(f"{table.name}.{column.name} contains {pattern!r}")
    return found


def rename(person: User, full_name: str) -> None:
    """Change the person's name through the profile form's service, the rest of it as the
    fixture sets it."""
    update_profile(
        person,
        full_name=full_name,
        institution_id=person.institution_id,
        country="GB",
        orcid=ORCID,
        time_zone="Europe/London",
        language="en",
    )


@pytest.fixture
def person(factory):
    """A reviewer who submitted a review, renamed themself, joined a draft, declared expertise
    and collaborators, was declared a collaborator by someone else, was invited to a role, set up
    two-factor and has an email waiting: their identity is copied across many tables."""
    _call, (reviewed,), officer = factory.deciding_call(1)
    person = factory.submitted_review(officer, reviewed, for_applicant="Clear aims, modest budget.")
    admin = factory.user(roles=["admin"])
    record(admin, "account.email_changed", person, {"email": [person.email, EMAIL]})
    person.email = EMAIL
    rename(person, NAME)
    joined = factory.draft(factory.call())
    member = factory.join(joined, person, country="CN")
    for kind, name, member_id in (
        ("cv", f"CV {NAME}.pdf", member.id),
        ("letter_of_support", f"For {NAME}.pdf", None),
    ):
        upload_attachment(
            person,
            joined,
            kind=kind,
            filename=name,
            content=one_page_pdf(name),
            team_member_id=member_id,
            now=utcnow(),
        )
    profile = factory.session.scalar(select(ReviewerProfile).where(ReviewerProfile.user_id == person.id))
    profile.statement = "Crop physiology; field trials in Norfolk."
    profile.collaborators.append(Collaborator(name="Wen Li", email="wen.li@example.cn"))
    profile.unavailable.append(
        UnavailablePeriod(starts_on=utcnow().date(), ends_on=utcnow().date(), note="Leave")
    )
    other = factory.reviewer()
    other.reviewer_profile.collaborators.append(Collaborator(name=NAME, email=EMAIL, orcid=ORCID))
    factory.session.add_all(
        [
            RoleInvitation(
                email=EMAIL,
                role="officer",
                token_hash="a" * 64,
                message=f"Dear {NAME}, join us.",
                invited_by_id=admin.id,
                expires_at=utcnow() + timedelta(days=7),
            ),
            RecoveryCode(user_id=person.id, code_hash="b" * 64),
            OutboxMessage(
                message_key=f"test:{person.id}",
                template="review_reminder",
                recipient_email=EMAIL,
                recipient_id=person.id,
                context={"name": NAME, "greeting": f"Dear {NAME},"},
            ),
        ]
    )
    factory.session.flush()
    return person


@pytest.fixture
def admin_client(app, factory, sign_in):
    client = app.test_client()
    admin = factory.user(roles=["admin"])
    sign_in(admin, http_client=client)
    client.admin = admin
    return client


def test_after_erasure_no_column_of_any_table_holds_the_name_email_or_orcid(
    app, factory, sign_in, person, admin_client
):
    person_client = app.test_client()
    assert sign_in(person, http_client=person_client).status_code == 302
    person.totp_secret = "sealed-secret"
    factory.session.commit()
    assert columns_containing([NAME, EMAIL, ORCID])  # the scan does find them before
    events_before = [
        (e.id, e.occurred_at, e.actor_id, e.action)
        for e in factory.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]
    url = f"/admin/users/{person.id}/erase"
    assert "Erase personal data" in admin_client.get(url).get_data(as_text=True)

    assert post_form(admin_client, url, {"confirm_email": "someone@else.org"}).status_code == 422
    assert person.erased_at is None

    assert post_form(admin_client, url, {"confirm_email": EMAIL.upper()}).status_code == 303
    factory.session.expire_all()
    assert columns_containing([NAME, EMAIL, ORCID]) == []

    erased = factory.session.get(User, person.id)
    assert erased.full_name == f"Erased person {person.id}"
    assert erased.email == f"erased-{person.id}@invalid"
    assert erased.orcid is None and erased.institution_id is None and erased.totp_secret is None
    assert erased.erased_at is not None and not erased.is_active_account
    files = factory.session.scalars(select(Attachment)).all()  # their CV went; the letter is renamed
    assert not [a for a in files if a.kind == "cv" and a.team_member.user_id == person.id]
    assert f"For Erased person {person.id}.pdf" in {a.original_name for a in files}

    # The trail: nothing deleted or reordered, actors kept, one event added naming the admin.
    events_after = factory.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [
        (e.id, e.occurred_at, e.actor_id, e.action) for e in events_after[: len(events_before)]
    ] == events_before
    (added,) = events_after[len(events_before) :]
    assert (added.action, added.actor_id, added.subject_id) == (
        "account.erased",
        admin_client.admin.id,
        person.id,
    )
    renamed = next(e for e in events_after if e.action == "profile.updated")
    assert renamed.changes["full_name"][1] == f"Erased person {person.id}"
    assert renamed.changes["orcid"] == [None, f"Erased person {person.id}"]

    # Sign-in is over: the session ended, the password no longer opens the account.
    sessions = factory.session.scalars(select(AuthSession).where(AuthSession.user_id == person.id)).all()
    assert sessions and all(s.ended_at and s.user_agent is None and s.ip_address is None for s in sessions)
    assert person_client.get("/profile").status_code == 302
    refused = post_form(app.test_client(), "/sign-in", {"email": EMAIL, "password": factory.PASSWORD})
    assert refused.status_code != 302 and "incorrect" in refused.get_data(as_text=True)
    assert factory.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    waiting = factory.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == person.id))
    assert waiting.state == "expired"

    # Content that informed decisions stays, attributed to the pseudonymous row.
    (assignment,) = factory.session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.reviewer_id == person.id)
    )
    assert assignment.review.is_submitted
    assert assignment.review.comments_for_applicant.startswith("Clear aims, modest budget.")


def test_erasure_is_idempotent(factory, person):
    admin = factory.user(roles=["admin"])
    assert erase_person(admin, person, confirm_email=EMAIL, now=utcnow())
    factory.session.flush()
    count = factory.session.scalar(select(func.count()).select_from(AuditEvent))
    assert not erase_person(admin, person, confirm_email=person.email, now=utcnow())
    factory.session.flush()
    assert factory.session.scalar(select(func.count()).select_from(AuditEvent)) == count


def test_erasure_is_refused_for_oneself_a_wrong_email_and_running_business(factory):
    admin = factory.user(roles=["admin"])
    with pytest.raises(PermissionDenied):
        erase_person(admin, admin, confirm_email=admin.email, now=utcnow())

    award = factory.award()
    holder = award.application.lead_applicant
    with pytest.raises(ValidationError):
        erase_person(admin, holder, confirm_email="not-them@example.org", now=utcnow())
    with pytest.raises(Conflict, match=f"award {award.reference}"):
        erase_person(admin, holder, confirm_email=holder.email, now=utcnow())

    _call, (pending,) = factory.call_in_review(1)
    lead = pending.lead_applicant
    with pytest.raises(Conflict, match="awaiting a decision"):
        erase_person(admin, lead, confirm_email=lead.email, now=utcnow())
    assert lead.erased_at is None and holder.erased_at is None


def test_only_administrators_reach_the_erase_page(app, factory, sign_in, person):
    officer = app.test_client()
    sign_in(factory.officer(), http_client=officer)
    assert officer.get(f"/admin/users/{person.id}/erase").status_code == 403
    assert post_form(officer, f"/admin/users/{person.id}/erase", {"confirm_email": EMAIL}).status_code == 403
    assert person.erased_at is None


def test_erasure_also_takes_the_names_and_addresses_they_went_by_before(app, factory, person):
    """Renamed and moved to a new address after the fixture's rename and change of address: the
    audit trail, old emails and invitations still quote the earlier name and address."""
    later_name, later_email = "Margarethe Quill-Stanton", "mqs@barley.example.ac.uk"
    with app.test_request_context():
        rename(person, later_name)
        request_email_change(person, later_email)
        [message] = factory.outbox("email_change_confirm")
        token = factory.link_in(message).rstrip("/").rsplit("/", 1)[-1]
        confirm_email_change(person, token, None, utcnow())
    factory.session.flush()
    assert person.email == later_email
    assert columns_containing([NAME, EMAIL])  # the earlier values are quoted before

    admin = factory.user(roles=["admin"])
    assert erase_person(admin, person, confirm_email=later_email, now=utcnow())
    factory.session.flush()
    factory.session.expire_all()
    assert columns_containing([NAME, EMAIL, ORCID, later_name, later_email]) == []


def test_an_earlier_address_someone_else_has_taken_since_stays_theirs(factory, person):
    event = factory.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.email_changed"))
    earlier = event.changes["email"][0]
    newcomer = factory.user(email=earlier)
    admin = factory.user(roles=["admin"])
    record(admin, "account.registered", newcomer, {"email": [None, earlier]})

    assert erase_person(admin, person, confirm_email=EMAIL, now=utcnow())
    factory.session.flush()
    factory.session.expire_all()
    assert factory.session.get(User, newcomer.id).email == earlier
    registered = factory.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "account.registered", AuditEvent.subject_id == newcomer.id
        )
    )
    assert registered.changes == {"email": [None, earlier]}
