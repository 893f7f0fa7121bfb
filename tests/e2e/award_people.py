"""A call in review for the award journey, built with the test factories in the served app's own
database, and the factory-made people as the browser tests sign in.

The served app runs in other processes, so the call is built in one too (as ``grants seed-demo``
is): ``python -m tests.e2e.award_people`` with the served app's environment prints what it built.
"""

import json
import re
import subprocess
import sys
from dataclasses import dataclass

from playwright.sync_api import expect

from tests.e2e.served import ServedGrants
from tests.integration.live.worker import ROOT

OFFICER = "officer@ukri.example.org"
CALL_TITLE = "2018 Flagship Challenge: crop resilience"
PROPOSALS = (
    # (title, UK request in GBP, China request in CNY, reviewer's score)
    ("Heat-tolerant wheat for the North China Plain", "150,000", "900,000", 5),
    ("Soil microbes and nitrogen use in rice paddies", "120,000", "700,000", 3),
)


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
    password: str
    applications: tuple[SeededApplication, ...]


def seed_deciding_call(served: ServedGrants) -> SeededCall:
    """Build the call in the served database (committed) and say what was built."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.award_people"],
        env=served.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    built = json.loads(done.stdout.strip().splitlines()[-1])
    return SeededCall(
        id=built["id"],
        title=built["title"],
        password=built["password"],
        applications=tuple(SeededApplication(**a) for a in built["applications"]),
    )


def sign_in(page, email, password):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def _build() -> dict:
    from sqlalchemy import select

    from grants import create_app
    from grants.accounts.models import User
    from grants.demo.applications import ProposalText
    from grants.extensions import db
    from tests.factories import Factory

    app = create_app()
    with app.app_context():
        factory = Factory(db.session)
        officer = db.session.scalar(select(User).where(User.email == OFFICER))
        texts = [ProposalText(title=title, uk_amount=uk, cn_amount=cn) for title, uk, cn, _ in PROPOSALS]
        call, applications, officer = factory.deciding_call(len(PROPOSALS), officer=officer, texts=texts)
        call.title = CALL_TITLE
        for application, (*_, score) in zip(applications, PROPOSALS, strict=True):
            factory.submitted_review(
                officer,
                application,
                for_applicant="Clear objectives and a balanced partnership.",
                score=score,
            )
        db.session.commit()
        return {
            "id": call.id,
            "title": call.title,
            "password": Factory.PASSWORD,
            "applications": [
                {
                    "id": a.id,
                    "reference": a.reference,
                    "title": a.title,
                    "lead": a.lead_applicant.email,
                    "china_lead": next(
                        m.user.email for m in a.members if m.role == "lead" and m.country == "CN"
                    ),
                }
                for a in applications
            ],
        }


if __name__ == "__main__":
    print(json.dumps(_build()))
