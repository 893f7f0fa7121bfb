"""The demo's decided call: FCP-2016 closed about twenty months ago and its awards are running.

Everything is made through the services with the clock set back, so the history is the one the
app would have recorded: three awards (one on track, one with an overdue progress report that
holds its next payment, one extended with a report waiting for the officer), one proposal on the
reserve list and one not funded. Fiona MacLeod and Wang Lei hold the award that is on track.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.services import budget, confirmations
from grants.applications.services.submission import submit_application
from grants.awards.models import Award
from grants.awards.services import changes, decisions, payments, reports
from grants.awards.services.offers import accept_agreement, lead_members
from grants.calls.models import Call, Funder, Programme
from grants.calls.services import lifecycle
from grants.calls.services.programmes import set_programme_terms
from grants.demo.applications import ProposalText, complete_joint_application
from grants.demo.lookups import demo_user
from grants.extensions import db
from grants.reviews.services import invitations
from grants.reviews.services.reviewing import ReviewInput, save_review
from grants.timeutil import clock_at

IP_TERMS = """Intellectual property created in the project belongs to the institution whose staff create it.
Where staff of both countries create it together, the institutions own it jointly and agree its
management in writing within six months.

- Each partner grants the others a royalty-free, non-exclusive licence to use the results for
  research and teaching.
- Results are published openly; a partner may delay publication by up to 90 days to protect
  intellectual property.
- Commercial use in either country is agreed in a separate licence that shares income fairly
  between the partners.
"""

# (UK lead, China lead, title, area, outcome, what happened after release)
PROPOSALS = [
    (
        "f.macleod@edinburgh.example.org",
        "wang.lei@cau.example.org",
        "Soil carbon monitoring for smallholder rice-wheat systems",
        "Agricultural science",
        "award",
        "on_track",
    ),
    (
        "j.whitfield@reading.example.org",
        "li.na@njau.example.org",
        "Rapid detection of antibiotic residues in aquaculture",
        "Food safety",
        "award",
        "report_overdue",
    ),
    (
        "p.raman@rothamsted.example.org",
        "zhang.wei@zju.example.org",
        "Biochar from crop straw for cleaner rural energy",
        "Renewable energy",
        "award",
        "extended",
    ),
    (
        "t.hale@jic.example.org",
        "chen.jing@caas.example.org",
        "Disease-resistant barley for saline soils",
        "Life sciences",
        "waitlist",
        None,
    ),
    (
        "e.lawson@edinburgh.example.org",
        "liu.yang@nwafu.example.org",
        "Drones for orchard frost protection",
        "Environmental technology",
        "reject",
        None,
    ),
]
REVIEWERS = ("s.mitchell@leeds.example.org", "p.devries@wur.example.org", "a.keller@bonn.example.org")
FEEDBACK = (
    "A well-matched partnership with a credible plan for field work in both countries. The budget is "
    "justified line by line; the impact plan would be stronger with named partners in industry."
)


def seed_decided_call(now: datetime, officer: User, make_call) -> Call | None:
    """The decided FCP-2016 call and its awards; None when it exists already."""
    if db.session.scalar(select(Call.id).where(Call.reference_prefix == "FCP-2016")):
        return None
    programme = db.session.scalar(select(Programme).where(Programme.code == "FCP"))
    set_programme_terms(officer, programme, IP_TERMS)
    funders = tuple(db.session.scalar(select(Funder).where(Funder.short_name == n)) for n in ("UKRI", "MOST"))
    opened = now - timedelta(days=700)
    closing_day = (now - timedelta(days=640)).date()
    call = make_call(
        officer,
        programme,
        "2016 Flagship Challenge: food security and rural livelihoods",
        "FCP-2016",
        opens=opened,
        closes=datetime(closing_day.year, closing_day.month, closing_day.day, 16, 0),
        funders=funders,
        review_due=now - timedelta(days=600),
    )
    with clock_at(opened + timedelta(hours=1)):
        lifecycle.open_call(officer, call, opened + timedelta(hours=1))
    submitted_at = now - timedelta(days=645)
    applications = []
    with clock_at(submitted_at):
        for uk_email, cn_email, title, area, _, _ in PROPOSALS:
            text = ProposalText(
                title,
                f"{title}: joint field work in the UK and China.",
                area,
                area.lower(),
                "90,000",
                "700,000",
            )
            application = complete_joint_application(
                call, demo_user(uk_email), demo_user(cn_email), submitted_at, text
            )
            _add_second_year(application, submitted_at)
            submit_application(application.lead_applicant, application.id, submitted_at)
            applications.append(application)
    with clock_at(now - timedelta(days=640)):
        lifecycle.close_call(None, call, now - timedelta(days=640))
        lifecycle.start_reviewing(officer, call)
    with clock_at(now - timedelta(days=620)):
        _review(officer, call, applications, now - timedelta(days=620))
    released = now - timedelta(days=580)
    with clock_at(released):
        for application, (*_, outcome, _) in zip(applications, PROPOSALS, strict=True):
            decisions.draft_decision(
                officer,
                application,
                outcome=outcome,
                rationale="Panel ranking and the envelope.",
                now=released,
            )
        decisions.release_decisions(officer, call, released)
    for application, (*_, story) in zip(applications, PROPOSALS, strict=True):
        if story:
            _live_award(officer, application.award, story, released, now)
    return call


def _add_second_year(application, now: datetime) -> None:
    """A second year of costs on each side (each side then confirms its budget again)."""
    uk, cn = application.call.funders
    lead = application.lead_applicant
    partner = next(m.user for m in application.members if m.country == "CN")
    for who, entry, amount, category, description in (
        (lead, uk, "80,000", "consumables", "Field season two"),
        (partner, cn, "500,000", "staff", "Research assistant"),
    ):
        budget.add_budget_line(
            who,
            application,
            call_funder_id=entry.id,
            year=2,
            category=category,
            description=description,
            amount=amount,
            now=now,
        )
    confirmations.confirm_side(lead, application, "GB", now)
    confirmations.confirm_side(partner, application, "CN", now)


def _review(officer: User, call: Call, applications, now: datetime) -> None:
    criteria = call.criteria
    for index, application in enumerate(applications):
        for offset in range(2):
            email = REVIEWERS[(index + offset) % len(REVIEWERS)]
            reviewer = demo_user(email)
            assignment = invitations.invite(officer, application, reviewer, now)
            invitations.accept_invitation(reviewer, assignment, now)
            score = max(1, 5 - index - offset % 2)
            save_review(
                reviewer,
                assignment,
                ReviewInput(
                    scores={c.id: score for c in criteria},
                    recommendation="fund" if score >= 3 else "do_not_fund",
                    comments_for_applicant=FEEDBACK,
                    comments_for_panel="Confident in this team.",
                    no_conflict_declared=True,
                ),
                now,
                submit=True,
            )


def _live_award(officer: User, award: Award, story: str, released: datetime, now: datetime) -> None:
    """Play an award's life forward from its offer to today, each step at the time it happened."""
    accepted = released + timedelta(days=9)
    with clock_at(accepted):
        for member in lead_members(award.application):
            accept_agreement(member.user, award, accepted)
    start = datetime.combine(award.start_date, datetime.min.time(), award.call.zone)
    _pay_due(officer, award, start + timedelta(days=3))
    lead = award.application.lead_applicant
    first = next(r for r in award.reports if r.kind == "progress")
    if story == "report_overdue":
        return
    submitted = datetime.combine(first.due_date, datetime.min.time(), award.call.zone) - timedelta(days=5)
    with clock_at(submitted):
        reports.save_report(
            lead,
            first,
            summary="Year one went to plan: both field sites are running and the joint sampling "
            "protocol is agreed.",
            outcomes="Two joint workshops; one dataset published; a PhD student exchange in the spring.",
            problems="Customs delayed the sensors for six weeks; the schedule has absorbed it.",
        )
        reports.submit_report(lead, first, submitted)
    if story == "extended":
        with clock_at(submitted + timedelta(days=20)):
            changes.extend_award(
                officer,
                award,
                award.end_date + timedelta(days=182),
                "Field season lost to flooding at the Zhejiang site; no extra money needed.",
            )
        return
    reviewed = submitted + timedelta(days=4)
    with clock_at(reviewed):
        reports.review_report(officer, first, accept=True, note="Thank you: a clear report.", now=reviewed)
    _pay_due(officer, award, min(now, submitted + timedelta(days=10)))
    with clock_at(accepted + timedelta(days=1)):
        changes.add_milestone(
            officer, award, "Joint soil carbon dataset published", award.start_date + timedelta(days=300)
        )
        changes.add_milestone(
            officer, award, "Farmer field days in both countries", award.end_date - timedelta(days=60)
        )
    achieved = award.start_date + timedelta(days=290)
    with clock_at(datetime.combine(achieved, datetime.min.time(), award.call.zone) + timedelta(hours=10)):
        changes.mark_milestone_achieved(
            lead, award.milestones[0], achieved, "Published in the national soil archive with a DOI."
        )


def _pay_due(officer: User, award: Award, when: datetime) -> None:
    """Release, at ``when``, every payment due by then that nothing holds back."""
    today = payments.award_today(award, when)
    due = [p for p in award.payments if p.state == "scheduled" and p.due_on <= today]
    with clock_at(when):
        for payment in due:
            if payments.payment_blockers(payment, today):
                continue
            payments.release_payment(
                officer,
                payment,
                paid_on=max(payment.due_on, today - timedelta(days=1)),
                reference=f"{payment.call_funder.funder.short_name}-{award.reference}-{payment.sequence}",
                now=when,
            )
