"""The demo's call in review: FCP-2017 closed three weeks ago with eight joint proposals.

Reviewers have profiles; the automatic assignment was confirmed with countries mixed; most
reviewers accepted and several have submitted scores (Tom Bennett marks hard, Rosa Alvarez
generously, so calibration has something to correct); one declined and has a suggested
replacement. Helen Carter, the demo reviewer, has one invitation to answer and one review to write.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.services.submission import submit_application
from grants.calls.models import Call
from grants.calls.services import lifecycle
from grants.demo.applications import ProposalText, complete_joint_application
from grants.demo.lookups import demo_user, flagship
from grants.extensions import db
from grants.reviews.models import ReviewAssignment
from grants.reviews.services import invitations, profiles, proposals
from grants.reviews.services.reviewing import ReviewInput, save_review

# (email, keywords, statement, subject areas, most reviews per call)
REVIEWERS = [
    (
        "h.carter@rothamsted.example.org",
        "soil health, nitrogen use efficiency, wheat agronomy, field trials",
        "I run long-term field experiments on soil fertility and nitrogen cycling in cereal rotations.",
        ["Agricultural science", "Environmental technology"],
        4,
    ),
    (
        "m.doyle@jic.example.org",
        "plant genetics, genomic selection, rice breeding, heat stress",
        "My group maps heat and drought tolerance genes in rice and wheat and uses genomic selection.",
        ["Life sciences", "Agricultural science"],
        4,
    ),
    (
        "sun.hui@zju.example.org",
        "food safety, mycotoxins, rapid detection, biosensors",
        "I develop rapid biosensor assays for mycotoxins and pesticide residues in grain and vegetables.",
        ["Food safety", "Life sciences"],
        4,
    ),
    (
        "guo.feng@caas.example.org",
        "livestock, antimicrobial resistance, animal health, one health",
        "I study antimicrobial resistance in pig and poultry farms and its spread through manure.",
        ["Life sciences", "Food safety"],
        4,
    ),
    (
        "s.mitchell@leeds.example.org",
        "water quality, nitrate leaching, catchment modelling, pollution",
        "Catchment-scale modelling of nutrient pollution from farmland into rivers and groundwater.",
        ["Environmental technology", "Agricultural science"],
        4,
    ),
    (
        "ma.jun@scau.example.org",
        "rice, paddy methane, greenhouse gas emissions, irrigation",
        "Field measurement of methane and nitrous oxide from paddy rice under water-saving irrigation.",
        ["Agricultural science", "Environmental technology"],
        4,
    ),
    (
        "p.devries@wur.example.org",
        "precision agriculture, remote sensing, crop modelling, drones",
        "Remote sensing and crop growth models for precision fertiliser and irrigation decisions.",
        ["Agricultural science", "Renewable energy"],
        4,
    ),
    (
        "a.keller@bonn.example.org",
        "food supply chains, cold chain, food waste, pathogens",
        "Microbial safety along fresh produce supply chains, from harvest through cold storage to retail.",
        ["Food safety"],
        4,
    ),
    (
        "r.alvarez@cornell.example.org",
        "biogas, anaerobic digestion, manure management, renewable energy",
        "Anaerobic digestion of farm residues and manure for biogas and nutrient recovery.",
        ["Renewable energy", "Environmental technology"],
        4,
    ),
    (
        "t.bennett@reading.example.org",
        "agricultural economics, smallholder farming, policy, adoption",
        "Economics of technology adoption by smallholder farmers and the policies that support it.",
        ["Agricultural science", "Food safety"],
        4,
    ),
]

# (UK lead, China lead, title, abstract, priority area, keywords)
PROPOSALS = [
    (
        "f.macleod@edinburgh.example.org",
        "wang.lei@cau.example.org",
        "Nitrogen-smart wheat rotations",
        "Long-term field trials in Shandong and Scotland test legume rotations and soil sensors that cut "
        "nitrogen fertiliser while keeping wheat yields, with nitrate leaching measured in both catchments.",
        "Agricultural science",
        "nitrogen use efficiency, wheat agronomy, soil health, nitrate leaching",
    ),
    (
        "j.whitfield@reading.example.org",
        "li.na@njau.example.org",
        "Heat-tolerant rice through genomic selection",
        "We map heat tolerance in rice diversity panels in Nanjing and Norwich and build genomic selection "
        "models to breed lines that keep grain quality through heat waves.",
        "Life sciences",
        "rice breeding, heat stress, genomic selection, plant genetics",
    ),
    (
        "p.raman@rothamsted.example.org",
        "zhang.wei@zju.example.org",
        "Paper biosensors for mycotoxins in grain",
        "Low-cost paper biosensors detect aflatoxin and deoxynivalenol at grain stores, with field "
        "validation across Zhejiang cooperatives and UK merchants, to keep contaminated grain out of "
        "the food chain.",
        "Food safety",
        "mycotoxins, rapid detection, biosensors, food safety",
    ),
    (
        "t.hale@jic.example.org",
        "chen.jing@caas.example.org",
        "Antimicrobial resistance on pig farms",
        "We trace antimicrobial resistance genes from pig farms through manure to soil and water, and test "
        "husbandry changes that reduce antibiotic use without harming animal health.",
        "Life sciences",
        "antimicrobial resistance, livestock, animal health, manure management",
    ),
    (
        "e.lawson@edinburgh.example.org",
        "liu.yang@nwafu.example.org",
        "Drones for precision irrigation",
        "Drone remote sensing and crop models schedule irrigation on the Loess Plateau and in East Anglia, "
        "saving water while protecting yields of maize and potatoes.",
        "Agricultural science",
        "precision agriculture, remote sensing, crop modelling, irrigation",
    ),
    (
        "o.price@reading.example.org",
        "zhao.min@cau.example.org",
        "Biogas from dairy manure in rural villages",
        "Village-scale anaerobic digestion turns dairy manure into biogas for cooking and heating, and the "
        "digestate into fertiliser, with emissions and economics measured in both countries.",
        "Renewable energy",
        "biogas, anaerobic digestion, manure management, renewable energy",
    ),
    (
        "f.macleod@edinburgh.example.org",
        "li.na@njau.example.org",
        "Safer fresh produce cold chains",
        "We follow Listeria and Salmonella along leafy vegetable supply chains from farm to retail "
        "in Jiangsu and the UK and test cold chain changes that cut both pathogens and food waste.",
        "Food safety",
        "cold chain, food waste, pathogens, food supply chains",
    ),
    (
        "j.whitfield@reading.example.org",
        "zhang.wei@zju.example.org",
        "Alternate wetting and drying for paddy methane",
        "Alternate wetting and drying irrigation in paddy rice is tested for methane emissions, water use "
        "and yield, with farmer adoption studied through economic experiments.",
        "Environmental technology",
        "paddy methane, greenhouse gas emissions, irrigation, smallholder farming",
    ),
]

# Reviewer generosity in points on the 1-5 scale, so calibration has something to find.
LEANINGS = {"t.bennett@reading.example.org": -1, "r.alvarez@cornell.example.org": 1}
COMMENT = (
    "The proposal addresses an important shared challenge and the partnership is well balanced between "
    "the two countries. The work plan is clear, though the risks in the second year deserve more detail, "
    "and the data management plan should say how field data will be shared."
)


def seed_review_call(now: datetime, officer: User, make_call) -> Call | None:
    """The closed FCP-2017 call with its reviewing under way; None when it exists already."""
    if db.session.scalar(select(Call.id).where(Call.reference_prefix == "FCP-2017")):
        return None
    programme, funders = flagship()
    opened = now - timedelta(days=120)
    closing_day = (now - timedelta(days=21)).date()
    call = make_call(
        officer,
        programme,
        "2017 Flagship Challenge: food safety and sustainable farming",
        "FCP-2017",
        opens=opened,
        closes=datetime(closing_day.year, closing_day.month, closing_day.day, 16, 0),
        funders=funders,
        review_due=now + timedelta(days=21),
    )
    lifecycle.open_call(officer, call, opened + timedelta(hours=1))
    submitted_at = now - timedelta(days=25)
    for uk_email, cn_email, title, abstract, area, keywords in PROPOSALS:
        application = complete_joint_application(
            call,
            demo_user(uk_email),
            demo_user(cn_email),
            submitted_at,
            ProposalText(title, abstract, area, keywords, "120,000", "900,000"),
        )
        submit_application(application.lead_applicant, application.id, submitted_at)
    lifecycle.close_call(None, call, now - timedelta(days=20))
    lifecycle.start_reviewing(officer, call)
    for email, keywords, statement, areas, most in REVIEWERS:
        profiles.update_profile(
            demo_user(email), keywords=keywords, statement=statement, areas=areas, max_reviews_per_call=most
        )
    proposal = proposals.propose_assignment(officer, call, fairness=False, mix_countries=True, now=now)
    proposals.confirm_proposal(officer, proposal, now)
    _answer_invitations(call, now)
    return call


def _answer_invitations(call: Call, now: datetime) -> None:
    assignments = list(
        db.session.scalars(
            select(ReviewAssignment).where(ReviewAssignment.call_id == call.id).order_by(ReviewAssignment.id)
        )
    )
    helper = demo_user("h.carter@rothamsted.example.org")
    carter = [a for a in assignments if a.reviewer_id == helper.id]
    others = [a for a in assignments if a.reviewer_id != helper.id]
    if carter:
        invitations.accept_invitation(helper, carter[0], now)
    if others:
        invitations.decline_invitation(
            others[0].reviewer, others[0], "Travelling for fieldwork until next month.", now
        )
    criteria = call.criteria
    for index, assignment in enumerate(others[1:]):
        reviewer = assignment.reviewer
        invitations.accept_invitation(reviewer, assignment, now)
        if index % 4 == 3:
            continue  # accepted, review not written yet
        base = 3 + (assignment.application_id + index) % 3 - 1 + LEANINGS.get(reviewer.email, 0)
        scores = {c.id: max(c.scale_min, min(c.scale_max, base + (i % 2))) for i, c in enumerate(criteria)}
        save_review(
            reviewer,
            assignment,
            ReviewInput(
                scores=scores,
                recommendation="fund" if base >= 3 else "do_not_fund",
                comments_for_applicant=COMMENT,
                comments_for_panel="Solid team; budget is reasonable.",
                no_conflict_declared=True,
            ),
            now,
            submit=True,
        )
