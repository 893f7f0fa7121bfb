"""Builders for reviewers and calls in review, made through the real services."""

from grants.accounts.roles import Role
from grants.applications.services.submission import submit_application
from grants.calls.services import lifecycle
from grants.demo.applications import ProposalText
from grants.reviews.services import profiles
from grants.timeutil import utcnow


class ReviewFactoryMixin:
    """Mixed into ``Factory`` beside ``CallFactoryMixin``."""

    def reviewer(
        self,
        *,
        country="GB",
        keywords="wheat, heat stress",
        statement="",
        areas=(),
        most=6,
        institution=None,
        **fields,
    ):
        institution = institution or self.institution(country=country)
        person = self.user(roles=[Role.REVIEWER], institution_id=institution.id, country=country, **fields)
        profiles.update_profile(
            person, keywords=keywords, statement=statement, areas=list(areas), max_reviews_per_call=most
        )
        self.session.flush()
        return person

    def call_in_review(
        self, applications=2, *, texts=(), reviews_required=3, double_blind=False, **call_args
    ):
        """A closed call with ``applications`` submitted proposals; returns (call, applications)."""
        call = self.call(**call_args)
        call.reviews_required = reviews_required
        call.double_blind = double_blind
        now = utcnow()
        submitted = []
        for index in range(applications):
            text = texts[index] if index < len(texts) else ProposalText(title=f"Proposal {index + 1}")
            application = self.complete_application(call, now=now, text=text)
            submit_application(application.lead_applicant, application.id, now)
            submitted.append(application)
        lifecycle.close_call(None, call, now)
        self.session.flush()
        return call, submitted
