"""A joint application from draft to submitted, through HTTP, with two team members and two funders."""

import io
import re

from grants.applications.models import Application
from grants.audit.models import AuditEvent
from grants.demo.pdf import one_page_pdf
from tests.integration.conftest import post_form


def _sign_in_as(app, sign_in, user):
    client = app.test_client()
    assert sign_in(user, http_client=client).status_code == 302
    return client


def test_a_joint_application_goes_from_draft_to_submitted(app, factory, sign_in, db_session):
    call = factory.call()
    lead = factory.researcher("GB", name="Fiona MacLeod")
    partner = factory.researcher("CN", name="Wang Lei")
    lead_client = _sign_in_as(app, sign_in, lead)

    page = lead_client.get(f"/calls/{call.id}/apply")
    assert page.status_code == 200
    started = post_form(
        lead_client,
        f"/calls/{call.id}/apply",
        {"title": "Resilient rice", "country": "GB", "institution_id": lead.institution_id},
    )
    assert started.status_code == 303
    application_id = int(re.search(r"/applications/(\d+)", started.location).group(1))
    base = f"/applications/{application_id}"

    invited = post_form(
        lead_client,
        f"{base}/team",
        {
            "full_name": partner.full_name,
            "email": partner.email,
            "role": "lead",
            "country": "CN",
            "institution_id": partner.institution_id,
        },
    )
    assert invited.status_code == 303
    invitation = factory.outbox("team_invitation", recipient=partner.email)[0]

    partner_client = _sign_in_as(app, sign_in, partner)
    link = factory.link_in(invitation)
    assert "Join the team" in partner_client.get(link).get_data(as_text=True)
    assert post_form(partner_client, link).status_code == 303
    assert partner_client.get(base).status_code == 200

    closing = call.closes_at.date()
    details = lead_client.get(f"{base}/details").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', details).group(1)
    saved = post_form(
        lead_client,
        f"{base}/details",
        {
            "version": version,
            "title": "Resilient rice",
            "abstract": "Breeding for heat.",
            "priority_area": "Agricultural science",
            "keywords": "rice, heat",
            "start_date": f"{closing.year + 1}-04-01",
            "duration_months": "24",
        },
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)

    uk, cn = call.funders
    assert (
        post_form(
            lead_client,
            f"{base}/budget",
            {
                "call_funder_id": uk.id,
                "year": 1,
                "category": "staff",
                "description": "Postdoc",
                "amount": "52,000",
            },
        ).status_code
        == 303
    )
    assert (
        post_form(
            partner_client,
            f"{base}/budget",
            {
                "call_funder_id": cn.id,
                "year": 1,
                "category": "consumables",
                "description": "Seed",
                "amount": "300,000.50",
            },
        ).status_code
        == 303
    )

    members = {m.email: m.id for m in db_session.get(Application, application_id).members}
    uploads = [
        ("case_for_support", "", "case.pdf"),
        ("cv", members[lead.email], "cv-fiona.pdf"),
        ("cv", members[partner.email], "cv-wang.pdf"),
    ]
    for kind, member_id, name in uploads:
        response = post_form(
            lead_client,
            f"{base}/attachments",
            {"kind": kind, "team_member_id": member_id, "question_key": "", "file": (_pdf(name), name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 303, response.get_data(as_text=True)

    assert (
        post_form(
            lead_client,
            f"{base}/declarations",
            {"intellectual_property": "y", "ethics": "y", "data_protection": "y"},
        ).status_code
        == 303
    )

    checklist = lead_client.get(f"{base}/submit").get_data(as_text=True)
    assert "must confirm their side" in checklist
    assert post_form(lead_client, f"{base}/confirm/GB").status_code == 303
    assert post_form(partner_client, f"{base}/confirm/CN").status_code == 303
    assert "Everything is in place" in lead_client.get(f"{base}/submit").get_data(as_text=True)

    submitted = post_form(lead_client, f"{base}/submit")
    assert submitted.status_code == 303
    application = db_session.get(Application, application_id)
    assert application.state == "submitted"
    assert application.reference == f"{call.reference_prefix}-0001"
    receipts = factory.outbox("application_submitted")
    assert sorted(m.recipient_email for m in receipts) == sorted([lead.email, partner.email])
    assert all(m.context["reference"] == application.reference for m in receipts)
    assert (
        db_session.query(AuditEvent)
        .filter_by(action="application.submitted", subject_id=application_id)
        .count()
        == 1
    )
    assert application.reference in lead_client.get(base).get_data(as_text=True)

    # Read-only for the team now.
    refused = post_form(
        partner_client,
        f"{base}/budget",
        {"call_funder_id": cn.id, "year": 1, "category": "travel", "description": "Late", "amount": "1"},
    )
    assert refused.status_code == 409


def _pdf(name):
    return io.BytesIO(one_page_pdf(name))
