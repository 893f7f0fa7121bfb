"""The demo's programme, funders and calls, built through the same services officers use.

The flagship call is open and closes in a few days at 16:00 London time, so the countdown shows;
a second call opens next month. One joint draft shows a team half-way through.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.services import attachments, budget, drafts
from grants.calls.models import Call, Funder, Programme
from grants.calls.services import calls, lifecycle, programmes, setup
from grants.calls.services.question_sets import QuestionSpec, add_question
from grants.demo.applications import join_as_china_lead
from grants.demo.awards import seed_decided_call
from grants.demo.lookups import demo_user
from grants.demo.pdf import one_page_pdf
from grants.demo.reviews import seed_review_call
from grants.extensions import db

SUMMARY = """The China-UK Research and Innovation Partnership Fund invites joint proposals for the
**2018 Flagship Challenge Programme** on agricultural science and technology.

Projects bring together researchers in the UK and China to tackle a shared challenge in food
production, with one lead investigator on each side.
"""
GUIDANCE = """## Who can apply

- A **UK lead** at an eligible UK research organisation, and a **China lead** at an eligible
  Chinese institution.
- Co-investigators from either country.

## What to include

1. A case for support of at most eight pages, as a PDF.
2. A CV for each lead investigator.
3. Letters of support from project partners, if any.

Each funder pays for its own side: UK costs in pounds, Chinese costs in renminbi.
"""
AREAS = [
    "Life sciences",
    "Food safety",
    "Renewable energy",
    "Environmental technology",
    "Agricultural science",
]
FLAGSHIP_QUESTIONS = (
    QuestionSpec(
        "long_text",
        "How will the partnership share data and materials between the UK and China?",
        "Cover access, storage and any export rules.",
        word_limit=300,
    ),
    QuestionSpec(
        "single_choice",
        "Technology readiness level at the end of the project",
        options=["TRL 1-3", "TRL 4-6", "TRL 7-9"],
    ),
)
CRITERIA = [
    ("Scientific excellence", "Quality, novelty and ambition of the research.", 40),
    ("Partnership", "Balance and strength of the UK-China collaboration.", 30),
    ("Impact", "Benefit to agriculture and food production in both countries.", 30),
]


def seed_demo_calls(now: datetime) -> int | None:
    """Add the demo programme and calls; None when a programme already exists."""
    if db.session.scalar(select(func.count(Programme.id))):
        return None
    officer = demo_user("officer@ukri.example.org")
    programme = programmes.create_programme(
        officer,
        name="Flagship Challenge Programme",
        code="FCP",
        description="China-UK Research and Innovation Partnership Fund flagship challenges.",
    )
    uk, cn = flagship_funders(officer)
    closing_day = (now + timedelta(days=4)).date()
    flagship = make_call(
        officer,
        programme,
        "2018 Flagship Challenge: agricultural science and technology",
        "FCP-2018",
        opens=now - timedelta(days=45),
        closes=datetime(closing_day.year, closing_day.month, closing_day.day, 16, 0),
        funders=(uk, cn),
    )
    for spec in FLAGSHIP_QUESTIONS:
        add_question(officer, flagship, spec)
    lifecycle.open_call(officer, flagship, now)
    upcoming_day = (now + timedelta(days=30)).date()
    upcoming = make_call(
        officer,
        programme,
        "2019 Flagship Challenge: renewable energy for rural communities",
        "FCP-2019",
        opens=datetime(upcoming_day.year, upcoming_day.month, upcoming_day.day, 9, 0),
        closes=datetime(upcoming_day.year, upcoming_day.month, upcoming_day.day, 16, 0) + timedelta(days=90),
        funders=(uk, cn),
    )
    lifecycle.open_call(officer, upcoming, now)
    _joint_draft(flagship, now)
    seed_review_call(now, officer, make_call)
    seed_decided_call(now, officer, make_call)
    return 4


def flagship_funders(officer: User) -> tuple[Funder, Funder]:
    """The programme's two funders: UKRI pays the UK side in pounds, MOST the Chinese in renminbi."""
    uk = programmes.create_funder(
        officer, name="UK Research and Innovation", short_name="UKRI", country="GB", currency="GBP"
    )
    cn = programmes.create_funder(
        officer,
        name="Ministry of Science and Technology of China",
        short_name="MOST",
        country="CN",
        currency="CNY",
    )
    db.session.flush()
    return uk, cn


def make_call(
    officer: User,
    programme: Programme,
    title: str,
    prefix: str,
    *,
    opens: datetime,
    closes: datetime,
    funders,
    review_due: datetime | None = None,
    time_zone: str = "Europe/London",
) -> Call:
    call = calls.create_call(
        officer,
        programme,
        calls.CallDetails(
            title=title,
            reference_prefix=prefix,
            summary=SUMMARY,
            guidance=GUIDANCE,
            time_zone=time_zone,
            opens_local=opens.replace(tzinfo=None),
            closes_local=closes,
            min_duration_months=24,
            max_duration_months=36,
            reviews_required=3,
            requires_lead_per_country=True,
            review_due_local=(review_due.replace(tzinfo=None) if review_due else closes + timedelta(days=42)),
        ),
    )
    db.session.flush()
    uk, cn = funders
    setup.add_call_funder(officer, call, funder_id=uk.id, envelope="2,000,000", max_request="200,000")
    setup.add_call_funder(officer, call, funder_id=cn.id, envelope="18,000,000", max_request="1,800,000")
    setup.set_priority_areas(officer, call, AREAS)
    for name, guidance, weight in CRITERIA:
        setup.save_criterion(
            officer,
            call,
            criterion_id=None,
            name=name,
            guidance=guidance,
            weight=weight,
            scale_min=1,
            scale_max=5,
        )
    db.session.flush()
    return call


def _joint_draft(call: Call, now: datetime) -> Application:
    """Fiona MacLeod's draft with Wang Lei as China lead: details, budget and a case for support."""
    lead = demo_user("f.macleod@edinburgh.example.org")
    partner = demo_user("wang.lei@cau.example.org")
    application = drafts.start_application(
        lead,
        call,
        title="Resilient rice and wheat under heat stress",
        country="GB",
        institution_id=None,
        now=now,
    )
    db.session.flush()
    drafts.save_details(
        lead,
        application,
        drafts.DetailsInput(
            title=application.title,
            abstract="Heat waves cut rice and wheat yields in both countries. We combine field trials in "
            "Jiangsu and Hertfordshire with genomic selection to breed heat-tolerant lines.",
            priority_area="Agricultural science",
            keywords="heat stress, rice, wheat, genomic selection",
            start_date=None,
            duration_months=36,
        ),
        expected_version=application.details_version,
        now=now,
    )
    join_as_china_lead(application, partner, now)
    uk_funder, cn_funder = call.funders
    budget.add_budget_line(
        lead,
        application,
        call_funder_id=uk_funder.id,
        year=1,
        category="staff",
        description="Postdoctoral researcher, 12 months",
        amount="52,000",
        now=now,
    )
    budget.add_budget_line(
        partner,
        application,
        call_funder_id=cn_funder.id,
        year=1,
        category="consumables",
        description="Field trial seed and sequencing",
        amount="300,000",
        now=now,
    )
    attachments.upload_attachment(
        lead,
        application,
        kind="case_for_support",
        filename="case-for-support.pdf",
        content=one_page_pdf("Case for support: resilient rice and wheat"),
        now=now,
    )
    return application
