"""Builders for programmes, calls and applications, made through the real services."""

import itertools
from datetime import datetime, timedelta

from grants.accounts.roles import Role
from grants.applications.services import drafts, team
from grants.calls.services import calls, lifecycle, programmes, setup
from grants.calls.services.question_sets import QuestionSpec, add_question
from grants.demo.applications import complete_joint_application
from grants.timeutil import utcnow

_counter = itertools.count(1)
AREAS = ["Agricultural science", "Food safety", "Renewable energy"]


class CallFactoryMixin:
    """Mixed into ``Factory``; needs ``self.session``, ``self.user`` and ``self.institution``."""

    def officer(self, **fields):
        return self.user(roles=[Role.OFFICER], **fields)

    def funders(self, officer):
        n = next(_counter)
        uk = programmes.create_funder(
            officer, name=f"UK Council {n}", short_name=f"UKC{n}", country="GB", currency="GBP"
        )
        cn = programmes.create_funder(
            officer, name=f"China Foundation {n}", short_name=f"CNF{n}", country="CN", currency="CNY"
        )
        self.session.flush()
        return uk, cn

    def call(
        self,
        *,
        officer=None,
        time_zone="Europe/London",
        closes_local=None,
        opens_local=None,
        bilateral=True,
        questions=(),
        open_it=True,
        areas=AREAS,
    ):
        """A bilateral GBP/CNY call, open now unless told otherwise. Maximum requests are 200,000 GBP
        and 1,800,000 CNY."""
        officer = officer or self.officer()
        n = next(_counter)
        programme = programmes.create_programme(officer, name=f"Programme {n}", code=f"P{n}X")
        now_local = datetime.now().replace(microsecond=0)
        call = calls.create_call(
            officer,
            programme,
            calls.CallDetails(
                title=f"Call {n}",
                reference_prefix=f"P{n}X-2018",
                summary="A **joint** call.",
                guidance="",
                time_zone=time_zone,
                opens_local=opens_local or now_local - timedelta(days=30),
                closes_local=closes_local or now_local + timedelta(days=30),
                min_duration_months=12,
                max_duration_months=36,
                reviews_required=3,
                requires_lead_per_country=bilateral,
            ),
        )
        self.session.flush()
        uk, cn = self.funders(officer)
        setup.add_call_funder(officer, call, funder_id=uk.id, envelope="2,000,000", max_request="200,000")
        setup.add_call_funder(officer, call, funder_id=cn.id, envelope="18,000,000", max_request="1,800,000")
        setup.set_priority_areas(officer, call, list(areas))
        setup.save_criterion(
            officer,
            call,
            criterion_id=None,
            name="Excellence",
            guidance="",
            weight=1,
            scale_min=1,
            scale_max=5,
        )
        for spec in questions:
            add_question(officer, call, spec)
        if open_it:
            lifecycle.open_call(officer, call, utcnow())
        self.session.flush()
        return call

    def researcher(self, country="GB", **fields):
        institution = self.institution(country=country)
        return self.user(institution_id=institution.id, country=country, **fields)

    def draft(self, call, lead=None, now=None):
        lead = lead or self.researcher("GB")
        application = drafts.start_application(
            lead,
            call,
            title="Heat-tolerant wheat",
            country="GB",
            institution_id=lead.institution_id,
            now=now or utcnow(),
        )
        self.session.flush()
        return application

    def join(self, application, person, *, role="lead", country="CN", now=None):
        """Invite ``person`` and accept as them; returns the member row."""
        now = now or utcnow()
        invitation = team.invite_member(
            application.lead_applicant,
            application,
            email=person.email,
            full_name=person.full_name,
            role=role,
            country=country,
            institution_id=person.institution_id,
            now=now,
        )
        member = team.accept_member_invitation(person, invitation.token, now)
        self.session.flush()
        return member

    def complete_application(self, call=None, *, now=None, text=None):
        """A joint draft with nothing left on its checklist: ready to submit."""
        call = call or self.call()
        return complete_joint_application(
            call, self.researcher("GB"), self.researcher("CN"), now or utcnow(), text
        )


def long_text(label="Describe the data plan", word_limit=50):
    return QuestionSpec("long_text", label, word_limit=word_limit)
