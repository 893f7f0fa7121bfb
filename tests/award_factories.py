"""Builders for calls being decided and for awards, made through the real services."""

from grants.accounts.models import User
from grants.awards.services import decisions
from grants.awards.services.offers import accept_agreement, lead_members
from grants.calls.services import lifecycle
from grants.calls.services.programmes import set_programme_terms
from grants.notifications.rendering import render_email
from grants.reviews.services import invitations
from grants.reviews.services.reviewing import ReviewInput, save_review
from grants.timeutil import utcnow

IP_TERMS = (
    "Intellectual property arising from the project belongs to the institutions that create it.\n\n"
    "- Partners grant each other a royalty-free licence for research.\n"
    "- Results are published openly within 12 months."
)


class AwardFactoryMixin:
    """Mixed into ``Factory`` beside the call and review mixins."""

    def deciding_call(self, applications=2, **call_args):
        """A call in review with ``applications`` under review and the programme's IP terms set;
        returns (call, applications, officer)."""
        call, submitted = self.call_in_review(applications, **call_args)
        officer = self.session.get(User, call.created_by_id)
        set_programme_terms(officer, call.programme, IP_TERMS)
        lifecycle.start_reviewing(officer, call)
        self.session.flush()
        return call, submitted, officer

    def decide(
        self, officer, application, outcome="award", amounts=None, rationale="Ranked in the top three."
    ):
        decision = decisions.draft_decision(
            officer, application, outcome=outcome, rationale=rationale, amounts=amounts or {}, now=utcnow()
        )
        self.session.flush()
        return decision

    def award(self, *, accept=True, **call_args):
        """A released award on a one-application call, accepted by both leads unless told not to;
        returns the award."""
        call, (application,), officer = self.deciding_call(1, **call_args)
        self.decide(officer, application)
        decisions.release_decisions(officer, call, utcnow())
        self.session.flush()
        award = application.award
        if accept:
            for member in lead_members(application):
                accept_agreement(member.user, award, utcnow())
            self.session.flush()
        return award

    def submitted_review(self, officer, application, *, for_applicant, for_panel="", score=4):
        """A reviewer invited, accepted and submitted on ``application``; returns the reviewer."""
        reviewer = self.reviewer()
        assignment = invitations.invite(officer, application, reviewer, utcnow())
        invitations.accept_invitation(reviewer, assignment, utcnow())
        padding = " ".join(["The proposal is well argued."] * 5)
        save_review(
            reviewer,
            assignment,
            ReviewInput(
                scores={application.call.criteria[0].id: score},
                recommendation="fund",
                comments_for_applicant=f"{for_applicant} {padding}",
                comments_for_panel=for_panel,
                no_conflict_declared=True,
            ),
            utcnow(),
            submit=True,
        )
        self.session.flush()
        return reviewer

    def render(self, message) -> str:
        """The whole email as sent: headers, text and HTML parts, decoded."""
        email = render_email(message)
        return "\n".join(part.get_content() for part in email.iter_parts()) + str(email["Subject"])
