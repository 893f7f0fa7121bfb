"""One small grants world where everybody has something the others must not reach.

Built through the real services (as the factories are), except two conflicts of interest that are
written as rows so the assignment they concern stays standing: that is the case the conflict checks
in the predicates exist for (a conflict found after the reviewer accepted).

- Call "review": team X's and team Y's submitted proposals, in review. Reviewer A has submitted a
  review of X's; reviewer B has accepted it and holds a draft review; reviewer C accepted it and is
  conflicted with it; an officer who is also a reviewer owes a review of it; another officer is
  conflicted with it. Reviewer B is invited (not yet answered) to review Y's.
- Call "drafts", open: team X's and team Y's drafts, with a co-investigator who joined X's.
- Call "award": a released award on team Z's proposal, reviewed by reviewer R, with a milestone, a
  report with a file and a payment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from grants.accounts.models import AuthSession, User, UserRole
from grants.accounts.roles import Role
from grants.accounts.services.sessions import start_session
from grants.applications.models import Application
from grants.awards.models import Award
from grants.awards.services.changes import add_milestone
from grants.awards.services.decisions import release_decisions
from grants.awards.services.offers import accept_agreement, lead_members
from grants.awards.services.reports import add_report_file
from grants.demo.applications import complete_joint_application
from grants.demo.pdf import one_page_pdf
from grants.reviews.models import ConflictOfInterest, ReviewAssignment
from grants.reviews.services import invitations, profiles
from grants.reviews.services.proposals import propose_assignment
from grants.reviews.services.reviewing import ReviewInput, save_review
from grants.timeutil import utcnow
from tests.factories import Factory
from tests.integration.conftest import csrf_token, sign_in_through_forms

# Written into reviews and feedback, so tests can look for them on pages that must not show them.
FEEDBACK = "The field trial design is convincing."


@dataclass
class World:
    people: dict[str, User]
    submitted_x: Application
    submitted_y: Application
    draft_x: Application
    draft_y: Application
    assignments: dict[str, ReviewAssignment]
    award: Award
    award_reviewer: User
    ids: dict[str, Any]

    def person(self, name: str) -> User | None:
        return None if name == "anonymous" else self.people[name]


def _accepted(officer: User, application: Application, reviewer: User) -> ReviewAssignment:
    assignment = invitations.invite(officer, application, reviewer, utcnow())
    invitations.accept_invitation(reviewer, assignment, utcnow())
    return assignment


def write_review(reviewer: User, assignment: ReviewAssignment, *, submit: bool) -> None:
    criterion = assignment.call.criteria[0]
    text = " ".join([FEEDBACK] * 5)
    save_review(
        reviewer,
        assignment,
        ReviewInput({criterion.id: 4}, "fund", text, "For the panel.", no_conflict_declared=True),
        utcnow(),
        submit=submit,
    )


def _conflict(application: Application, person: User, officer: User) -> ConflictOfInterest:
    return ConflictOfInterest(
        application_id=application.id,
        reviewer_id=person.id,
        source="officer",
        reason="Co-author with the lead.",
        created_by_id=officer.id,
    )


def _officer_reviewer(factory) -> User:
    person = factory.reviewer(two_factor=True)
    person.role_rows.append(UserRole(role=Role.OFFICER.value))
    return person


def _award(factory) -> tuple[Award, User, dict[str, int]]:
    call, (application,), officer = factory.deciding_call(1)
    reviewer = factory.submitted_review(officer, application, for_applicant=FEEDBACK)
    factory.decide(officer, application)
    release_decisions(officer, call, utcnow())
    award = application.award
    for member in lead_members(application):
        accept_agreement(member.user, award, utcnow())
    milestone = add_milestone(officer, award, "Field trial sown", award.start_date)
    report = award.reports[0]
    report_file = add_report_file(
        application.lead_applicant,
        report,
        filename="progress.pdf",
        content=one_page_pdf("Progress"),
        now=utcnow(),
    )
    factory.session.flush()
    ids = {
        "award_id": award.id,
        "report_id": report.id,
        "file_id": report_file.id,
        "payment_id": award.payments[0].id,
        "milestone_id": milestone.id,
    }
    return award, reviewer, ids


def build_world(factory) -> World:
    session = factory.session
    call, (submitted_x, submitted_y), officer = factory.deciding_call(2, reviews_required=5)
    people = {
        "officer": officer,
        "admin": factory.user(roles=[Role.ADMIN]),
        "stranger": factory.researcher(),
        "x_lead": submitted_x.lead_applicant,
        "y_lead": submitted_y.lead_applicant,
        "co_investigator": factory.researcher(),
        "reviewer_a": factory.reviewer(),
        "reviewer_b": factory.reviewer(),
        "reviewer_c": factory.reviewer(),
        "officer_reviewer": _officer_reviewer(factory),
        "conflicted_officer": factory.officer(),
    }
    assignments = {
        name: _accepted(officer, submitted_x, people[name]) for name in ("reviewer_a", "reviewer_b")
    }
    assignments["reviewer_c"] = _accepted(officer, submitted_x, people["reviewer_c"])
    assignments["officer_reviewer"] = _accepted(officer, submitted_x, people["officer_reviewer"])
    assignments["invited_b"] = invitations.invite(officer, submitted_y, people["reviewer_b"], utcnow())
    write_review(people["reviewer_a"], assignments["reviewer_a"], submit=True)
    write_review(people["reviewer_b"], assignments["reviewer_b"], submit=False)
    session.add_all(
        [
            _conflict(submitted_x, people["reviewer_c"], officer),
            _conflict(submitted_x, people["conflicted_officer"], officer),
        ]
    )
    proposal = propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())

    drafts = factory.call(officer=officer)
    now = utcnow()
    draft_x = complete_joint_application(drafts, people["x_lead"], factory.researcher("CN"), now)
    factory.join(draft_x, people["co_investigator"], role="co_investigator", country="GB")
    draft_y = complete_joint_application(drafts, people["y_lead"], factory.researcher("CN"), now)
    collaborator = profiles.add_collaborator(
        people["reviewer_a"], name="Ann Lee", email="ann@example.org", orcid=""
    )
    today = now.date()
    profiles.add_unavailable_period(
        people["reviewer_a"], starts_on=today, ends_on=today, note="", today=today
    )
    award, award_reviewer, award_ids = _award(factory)
    people["award_holder"] = award.application.lead_applicant
    start_session(people["y_lead"])
    session.flush()
    conflict = session.query(ConflictOfInterest).filter_by(reviewer_id=people["reviewer_c"].id).one()
    ids = {
        **award_ids,
        "call_id": call.id,
        "programme_id": call.programme_id,
        "call_funder_id": call.funders[0].id,
        "criterion_id": call.criteria[0].id,
        "application_id": draft_y.id,
        "attachment_id": draft_y.attachments[0].id,
        "line_id": draft_y.budget_lines[0].id,
        "member_id": draft_y.members[0].id,
        "assignment_id": assignments["reviewer_b"].id,
        "review_id": assignments["reviewer_a"].review.id,
        "conflict_id": conflict.id,
        "proposal_id": proposal.id,
        "pair_id": proposal.pairs[0].id,
        "collaborator_id": collaborator.id,
        "period_id": people["reviewer_a"].reviewer_profile.unavailable[0].id,
        "user_id": people["y_lead"].id,
        "message_id": factory.outbox()[0].id,
        "session_id": session.query(AuthSession).filter_by(user_id=people["y_lead"].id).one().id,
    }
    return World(people, submitted_x, submitted_y, draft_x, draft_y, assignments, award, award_reviewer, ids)


def details_of(application: Application) -> dict:
    """A valid autosave of the details section, so only the team check can refuse it."""
    return {
        "section": "details",
        "version": application.details_version,
        "title": application.title,
        "abstract": application.abstract,
        "priority_area": application.priority_area,
        "keywords": application.keywords,
        "start_date": application.start_date.isoformat(),
        "duration_months": application.duration_months,
    }


JSON = {"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"}


@dataclass
class Probe:
    """Asks for URLs as one person and says what was wrong with each refusal: every answer must
    be a refusal (403 or 404; a sign-in redirect for anonymous visitors), JSON when asked as an
    API, and leave exactly one ``grants.access`` record naming the endpoint and the person."""

    app: Any
    client: Any
    caplog: Any
    user: User | None = None
    token: str = ""
    problems: list[str] = field(default_factory=list)

    def sign_in(self, person: User | None) -> Probe:
        self.user = person
        if person is not None:
            response = sign_in_through_forms(self.client, person.email, Factory.PASSWORD)
            assert response.status_code == 302, "sign-in failed"
        self.token = csrf_token(self.client)
        return self

    def url(self, endpoint: str, **args: Any) -> str:
        with self.app.test_request_context():
            return url_for(endpoint, **args)

    def refused(self, method: str, url: str, data: dict | None = None) -> None:
        """Ask for ``url`` plainly and as an API; note anything that is not a logged refusal."""
        for headers in ({}, JSON):
            self.caplog.clear()
            if method == "GET":
                response = self.client.get(url, headers=headers)
            else:
                response = self.client.post(
                    url, data={"csrf_token": self.token, **(data or {})}, headers=headers
                )
            label = f"{method} {url}{' (JSON)' if headers else ''}"
            self._judge(label, method, url, response, api=bool(headers))
            response.close()

    def _judge(self, label: str, method: str, url: str, response: Any, *, api: bool) -> None:
        status = response.status_code
        if self.user is None:
            # A script is told it is signed out (401), a person is sent to sign in.
            expected = status == 401 if api else "/sign-in" in response.headers.get("Location", "")
        else:
            expected = status in (403, 404)
        if not expected:
            self.problems.append(f"{label}: answered {status} {response.headers.get('Location', '')}")
            return
        # A form page that caught the refusal shows it on the form (HTML, whatever was asked).
        form_page = method == "POST" and response.mimetype == "text/html" and b"<form" in response.data
        if api and not response.is_json and not form_page:
            self.problems.append(f"{label}: {status} without a JSON body")
        records = access_records(self.caplog)
        endpoint = self.app.url_map.bind("localhost").match(url.split("?")[0], method=method)[0]
        user = "anonymous" if self.user is None else self.user.id
        if len(records) != 1:
            self.problems.append(f"{label}: {len(records)} grants.access records")
        elif (records[0].access["endpoint"], records[0].access["user"]) != (endpoint, user):
            self.problems.append(f"{label}: logged {records[0].access}")

    def done(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


def access_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "grants.access"]


def watch_access_log(caplog, monkeypatch):
    """``caplog`` catching ``grants.access`` from INFO up (the test modules' ``access_log``)."""
    # Alembic's ``fileConfig`` (run by the session's migrations) disables loggers that existed.
    monkeypatch.setattr(logging.getLogger("grants.access"), "disabled", False)
    caplog.set_level(logging.INFO, logger="grants.access")
    return caplog
