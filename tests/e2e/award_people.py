"""A call in review for the award journey, built by the test factories in the served app's own
database, and how the people the factories made sign in.

The served app runs in its own processes, so the call is built in one too, as ``grants seed-demo``
is: ``python -m tests.e2e.award_people`` with the served app's environment builds and commits it,
then prints what it built as one line of JSON.
"""

import json
import re
from dataclasses import dataclass

from playwright.sync_api import expect
from sqlalchemy import select

from grants import create_app
from grants.accounts.models import User
from grants.demo.applications import ProposalText
from grants.extensions import db
from grants.reviews.services import profiles
from tests.e2e.demo_people import enter_password, type_code_if_asked
from tests.factories import Factory

OFFICER = "officer@ukri.example.org"
CALL_TITLE = "2018 Flagship Challenge: crop resilience"
# Title, UK request (GBP), China request (CNY) and the one reviewer's score, in ranked order.
PROPOSALS = (
    ("Heat-tolerant wheat for the North China Plain", "150,000", "900,000", 5),
    ("Soil microbes and nitrogen use in rice paddies", "120,000", "700,000", 3),
)
REVIEWER_COMMENT = "Clear objectives and a balanced partnership."


@dataclass(frozen=True)
class SeededApplication:
    id: int
    reference: str
    title: str
    lead: str
    china_lead: str


@dataclass(frozen=True)
class SeededCall:
    id: int
    title: str
    uk_funder: str
    cn_funder: str
    password: str
    applications: tuple[SeededApplication, ...]


def seed_deciding_call(served) -> SeededCall:
    """Build the call in ``served``'s database, committed, and say what was built."""
    built = served.run_module("tests.e2e.award_people")
    applications = tuple(SeededApplication(**a) for a in built.pop("applications"))
    return SeededCall(**built, applications=applications)


def sign_in(page, email, password):
    enter_password(page, email, password)
    type_code_if_asked(page)
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def build() -> dict:
    """In the served app's database: the demo officer's call in review, each proposal with one
    submitted review, and the programme's IP terms set."""
    app = create_app()
    with app.app_context():
        factory = Factory(db.session)
        officer = db.session.scalar(select(User).where(User.email == OFFICER))
        texts = [ProposalText(title=title, uk_amount=uk, cn_amount=cn) for title, uk, cn, _ in PROPOSALS]
        call, applications, officer = factory.deciding_call(len(PROPOSALS), officer=officer, texts=texts)
        call.title = CALL_TITLE
        for application, (*_, score) in zip(applications, PROPOSALS, strict=True):
            reviewer = factory.submitted_review(
                officer, application, for_applicant=REVIEWER_COMMENT, score=score
            )
            # The served app is shared: keep these reviewers out of other calls' routing.
            profiles.update_profile(
                reviewer, keywords="crop resilience", statement="", areas=[], max_reviews_per_call=0
            )
        db.session.commit()
        uk, cn = call.funders
        return {
            "id": call.id,
            "title": call.title,
            "uk_funder": uk.funder.short_name,
            "cn_funder": cn.funder.short_name,
            "password": Factory.PASSWORD,
            "applications": [
                {
                    "id": a.id,
                    "reference": a.reference,
                    "title": a.title,
                    "lead": a.lead_applicant.email,
                    "china_lead": next(m.user.email for m in a.members if m.is_lead and m.country == "CN"),
                }
                for a in applications
            ],
        }


if __name__ == "__main__":
    print(json.dumps(build()))
