"""A complete joint application, built through the services a team uses: the demo's submitted
proposals and the tests' ready-to-submit drafts are made the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.services import attachments, budget, confirmations, declarations, drafts, team
from grants.calls.models import Call
from grants.demo.pdf import one_page_pdf
from grants.extensions import db


@dataclass(frozen=True)
class ProposalText:
    title: str = "Heat-tolerant wheat"
    abstract: str = "Field trials in both countries."
    priority_area: str | None = "Agricultural science"
    keywords: str = "wheat, heat"
    uk_amount: str = "50,000"
    cn_amount: str = "80,000"


def join_as_china_lead(application: Application, partner: User, now: datetime) -> None:
    """The UK lead invites ``partner`` as the China lead, and the partner accepts at once."""
    invitation = team.invite_member(
        application.lead_applicant,
        application,
        email=partner.email,
        full_name=partner.full_name,
        role="lead",
        country="CN",
        institution_id=partner.institution_id,
        now=now,
    )
    team.accept_member_invitation(partner, invitation.token, now)


def complete_joint_application(
    call: Call, lead: User, partner: User, now: datetime, text: ProposalText | None = None
) -> Application:
    """A draft led from the UK with a China lead, with nothing left on its checklist."""
    text = text or ProposalText()
    application = drafts.start_application(
        lead, call, title=text.title, country="GB", institution_id=lead.institution_id, now=now
    )
    db.session.flush()
    join_as_china_lead(application, partner, now)
    closing = call.closes_at.astimezone(call.zone).date()
    drafts.save_details(
        lead,
        application,
        drafts.DetailsInput(
            title=text.title,
            abstract=text.abstract,
            priority_area=text.priority_area,
            keywords=text.keywords,
            start_date=closing + timedelta(days=90),
            duration_months=24,
        ),
        expected_version=application.details_version,
        now=now,
    )
    uk, cn = call.funders
    budget.add_budget_line(
        lead,
        application,
        call_funder_id=uk.id,
        year=1,
        category="staff",
        description="Postdoc",
        amount=text.uk_amount,
        now=now,
    )
    budget.add_budget_line(
        partner,
        application,
        call_funder_id=cn.id,
        year=1,
        category="travel",
        description="Visits",
        amount=text.cn_amount,
        now=now,
    )
    attachments.upload_attachment(
        lead,
        application,
        kind="case_for_support",
        filename="case.pdf",
        content=one_page_pdf(f"Case for support: {text.title}"),
        now=now,
    )
    for member in application.members:
        attachments.upload_attachment(
            lead,
            application,
            kind="cv",
            filename=f"cv-{member.id}.pdf",
            content=one_page_pdf("CV"),
            team_member_id=member.id,
            now=now,
        )
    declarations.set_declarations(
        lead, application, {"intellectual_property", "ethics", "data_protection"}, now
    )
    if call.requires_lead_per_country:
        confirmations.confirm_side(lead, application, "GB", now)
        confirmations.confirm_side(partner, application, "CN", now)
    db.session.flush()
    return application
