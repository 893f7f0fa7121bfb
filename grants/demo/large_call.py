"""A large, realistic call written straight into the tables, for benchmarks and scale tests.

Going through the services would take hours for 10,000 applications, so this writes rows in bulk.
The shape follows what the services produce: two funders with envelopes, a team with a lead on each
side, budget lines per funder, about three reviews per received application with criterion scores,
released decisions, and awards with their fundings and payments. Submissions bunch up towards the
deadline, as they do on a real deadline day. Random choices come from a seeded generator, so two
runs with the same arguments write the same figures (under different names).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update

from grants.accounts.models import Institution, User, UserRole
from grants.applications.models import Application, BudgetLine, MemberRole, TeamMember
from grants.applications.states import ApplicationState
from grants.awards.models import Award, AwardFunding, Decision, DecisionAmount, Payment
from grants.awards.states import AwardState, DecisionState, PaymentState
from grants.calls.models import Call, CallFunder, CallPriorityArea, Funder, Programme, RubricCriterion
from grants.calls.states import CallState
from grants.extensions import db
from grants.reviews.models import CriterionScore, Review, ReviewAssignment
from grants.reviews.states import AssignmentState, Recommendation, ReviewState
from grants.timeutil import utcnow

AREAS = (
    "Life sciences",
    "Food safety",
    "Renewable energy",
    "Environmental technology",
    "Agricultural science",
)
# Not a usable password hash: nobody signs in as a seeded person.
UNUSABLE_PASSWORD = "!seeded"  # noqa: S105
BATCH = 2000


@dataclass(frozen=True)
class LargeCall:
    call_id: int
    programme_id: int
    officer_id: int
    applications: int
    reviews: int
    awards: int


@dataclass
class _Plan:
    """What to write, decided before writing so the counts are known exactly."""

    applications: int
    reviews: int
    reviewers: int
    rng: random.Random
    now: datetime
    tag: str
    decided: bool = True


def seed_large_call(
    applications: int,
    *,
    reviews: int | None = None,
    reviewers: int | None = None,
    seed: int = 2018,
    now: datetime | None = None,
    decided: bool = True,
) -> LargeCall:
    """Write a closed, decided call with ``applications`` applications and ``reviews`` reviews
    (three per application by default) from ``reviewers`` reviewers (one per ten applications,
    at least ten), plus an officer to look at it. Only flushes; the caller commits.

    With ``decided=False`` the call is still in review, as the panel ranks it: received
    applications are under review and nothing is decided or awarded (the random draws stay the
    same, so the reviews are too)."""
    plan = _Plan(
        applications=applications,
        reviews=3 * applications if reviews is None else reviews,
        reviewers=reviewers or max(10, applications // 10),
        rng=random.Random(seed),  # noqa: S311  (repeatable test data, not secrets)
        now=now or utcnow(),
        tag=secrets.token_hex(3),
        decided=decided,
    )
    officer = _officer(plan)
    call = _call(plan, officer)
    institutions = _institutions()
    app_ids = _applications(plan, call, institutions)
    received = _received(app_ids)
    _budgets(plan, call, app_ids)
    review_count = _reviews(plan, call, received, officer)
    award_count = _decisions_and_awards(plan, call, received, officer) if decided else 0
    return LargeCall(call.id, call.programme_id, officer.id, applications, review_count, award_count)


def busiest_reviewer(call_id: int) -> int:
    """The reviewer invited most often in the call: whose own list a benchmark reads."""
    return db.session.scalar(
        select(ReviewAssignment.reviewer_id)
        .where(ReviewAssignment.call_id == call_id)
        .group_by(ReviewAssignment.reviewer_id)
        .order_by(func.count().desc(), ReviewAssignment.reviewer_id)
        .limit(1)
    )


def researcher_with_applications(call_id: int, count: int) -> int:
    """The lead of the call's first application, made a joined co-investigator on the next
    ``count - 1`` as well, and their id. The seed gives each person one application; a list of
    one row cannot show a query per row."""
    first, *others = db.session.scalars(
        select(Application.id).where(Application.call_id == call_id).order_by(Application.id).limit(count)
    )
    lead = db.session.get(
        User, db.session.scalar(select(Application.lead_applicant_id).where(Application.id == first))
    )
    _insert(
        TeamMember,
        (
            {
                "application_id": app_id,
                "user_id": lead.id,
                "email": lead.email,
                "full_name": lead.full_name,
                "role": MemberRole.CO_INVESTIGATOR,
                "country": lead.country,
                "institution_id": lead.institution_id,
                "invited_at": lead.created_at,
                "accepted_at": lead.created_at,
            }
            for app_id in others
        ),
    )
    return lead.id


def _officer(plan: _Plan) -> User:
    officer = User(
        email=f"officer-{plan.tag}@funder.example.org",
        full_name="Benchmark Officer",
        password_hash=UNUSABLE_PASSWORD,
        email_verified_at=plan.now,
        role_rows=[UserRole(role="officer")],
    )
    db.session.add(officer)
    db.session.flush()
    return officer


def _funder(name: str, short_name: str, country: str, currency: str) -> Funder:
    funder = db.session.scalar(select(Funder).where(Funder.name == name))
    if funder is None:
        funder = Funder(name=name, short_name=short_name, country=country, currency=currency)
        db.session.add(funder)
    return funder


def _call(plan: _Plan, officer: User) -> Call:
    programme = Programme(name=f"Large Call Programme {plan.tag}", code=f"L{plan.tag[:5].upper()}")
    closes_at = plan.now - timedelta(days=60)
    call = Call(
        programme=programme,
        title=f"Large call {plan.tag} ({plan.applications:,} applications)",
        reference_prefix=f"LC-{plan.tag.upper()}",
        state=CallState.DECIDED if plan.decided else CallState.REVIEWING,
        time_zone="Europe/London",
        opens_at=closes_at - timedelta(days=90),
        closes_at=closes_at,
        review_due_at=closes_at + timedelta(days=30),
        requires_lead_per_country=True,
        created_by_id=officer.id,
        opened_at=closes_at - timedelta(days=90),
        closed_at=closes_at,
        last_application_number=plan.applications,
    )
    uk = _funder("UK Research and Innovation", "UKRI", "GB", "GBP")
    cn = _funder("Ministry of Science and Technology of China", "MOST", "CN", "CNY")
    call.funders = [
        CallFunder(
            funder=uk,
            currency="GBP",
            envelope_minor=plan.applications * 35_000_00,
            max_request_minor=500_000_00,
        ),
        CallFunder(
            funder=cn,
            currency="CNY",
            envelope_minor=plan.applications * 300_000_00,
            max_request_minor=4_000_000_00,
        ),
    ]
    call.priority_areas = [CallPriorityArea(name=name, position=i) for i, name in enumerate(AREAS)]
    call.criteria = [
        RubricCriterion(name="Scientific excellence", weight=40, position=0),
        RubricCriterion(name="Partnership", weight=30, position=1),
        RubricCriterion(name="Impact", weight=30, position=2),
    ]
    db.session.add(call)
    db.session.flush()
    return call


def _institutions() -> dict[str, list[int]]:
    """Twenty universities on each side and twenty institutes the reviewers work at, made once and
    shared by every seeded call."""
    by_group: dict[str, list[int]] = {}
    for group, country, kind in (
        ("GB", "GB", "UK University"),
        ("CN", "CN", "China University"),
        ("REVIEW", "GB", "Research Institute"),
    ):
        names = [f"Benchmark {kind} {n}" for n in range(1, 21)]
        existing = _institution_ids(names)
        missing = [{"name": name, "country": country} for name in names if name not in existing]
        if missing:
            db.session.execute(insert(Institution), missing)
            existing = _institution_ids(names)
        by_group[group] = [existing[name] for name in names]
    return by_group


def _institution_ids(names: list[str]) -> dict[str, int]:
    rows = db.session.execute(select(Institution.name, Institution.id).where(Institution.name.in_(names)))
    return {name: institution_id for name, institution_id in rows}


# Shares of each outcome, in the proportions of a competitive call.
APPLICATION_STATES = (
    (0.06, ApplicationState.DRAFT),
    (0.02, ApplicationState.WITHDRAWN),
    (0.12, ApplicationState.AWARDED),
    (0.05, ApplicationState.WAITLISTED),
    (0.75, ApplicationState.REJECTED),
)
DECIDED_STATES = frozenset({ApplicationState.AWARDED, ApplicationState.WAITLISTED, ApplicationState.REJECTED})
AWARD_STATES = (
    (0.08, AwardState.OFFERED),
    (0.04, AwardState.WITHDRAWN),
    (0.08, AwardState.COMPLETED),
    (0.80, AwardState.ACTIVE),
)


def _pick(rng: random.Random, shares: tuple[tuple[float, str], ...]) -> str:
    """One value, each with its share of the chances."""
    return rng.choices([value for _, value in shares], weights=[share for share, _ in shares])[0]


def _submitted_at(plan: _Plan, closes_at: datetime) -> datetime:
    """Most submissions come in the last days, a good share on the last one."""
    hours_before = min(plan.rng.expovariate(1 / 40), 89 * 24)
    return closes_at - timedelta(hours=hours_before, seconds=plan.rng.randint(1, 3599))


def _insert_returning_ids(model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in batches and return their new ids in the order given."""
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids.extend(db.session.scalars(statement, list(rows[start : start + BATCH])))
    return ids


def _insert(model: Any, rows: Iterable[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            db.session.execute(insert(model), batch)
            batch = []
    if batch:
        db.session.execute(insert(model), batch)


def person_email(plan: _Plan, prefix: str, n: int, institutions: int) -> str:
    """Each person's address is at their institution's own domain, so conflict detection sees
    colleagues as colleagues and nobody else (a shared domain would conflict everyone)."""
    return f"{prefix}-{plan.tag}-{n}@{prefix.split('-')[0]}{n % institutions + 1}.example.org"


def _people(plan: _Plan, prefix: str, count: int, country: str, institutions: list[int]) -> list[int]:
    rows = [
        {
            "email": person_email(plan, prefix, n, len(institutions)),
            "full_name": f"{prefix.title()} {n}",
            "password_hash": UNUSABLE_PASSWORD,
            "email_verified_at": plan.now,
            "institution_id": institutions[n % len(institutions)],
            "country": country,
            "time_zone": "Asia/Shanghai" if country == "CN" else "Europe/London",
            "language": "en",
            "email_reminders": True,
            "email_digests": True,
            "is_active_account": True,
            "created_at": plan.now,
            "password_changed_at": plan.now,
        }
        for n in range(count)
    ]
    return _insert_returning_ids(User, rows)


def _applications(plan: _Plan, call: Call, institutions: dict[str, list[int]]) -> list[tuple[int, str]]:
    count = plan.applications
    uk_leads = _people(plan, "uk-lead", count, "GB", institutions["GB"])
    cn_leads = _people(plan, "cn-lead", count, "CN", institutions["CN"])
    rows = []
    for n in range(count):
        state = _pick(plan.rng, APPLICATION_STATES)
        submitted = state != ApplicationState.DRAFT and not (
            state == ApplicationState.WITHDRAWN and plan.rng.random() < 0.5
        )
        if not plan.decided and state in DECIDED_STATES:
            state = ApplicationState.UNDER_REVIEW
        submitted_at = _submitted_at(plan, call.closes_at) if submitted else None
        rows.append(
            {
                "call_id": call.id,
                "lead_applicant_id": uk_leads[n],
                "state": state,
                "reference": f"{call.reference_prefix}-{n + 1:05d}" if submitted else None,
                "title": f"Joint project {n + 1} on {AREAS[n % len(AREAS)].lower()}",
                "abstract": "",
                "priority_area": AREAS[plan.rng.randrange(len(AREAS))],
                "keywords": "",
                "start_date": date(call.closes_at.year + 1, 1, 1),
                "duration_months": plan.rng.choice((24, 30, 36)),
                "details_version": 1,
                "answers_version": 1,
                "content_updated_at": submitted_at or plan.now,
                "created_at": call.opens_at,
                "submitted_at": submitted_at,
                "submission_count": 1 if submitted else 0,
                "withdrawn_at": plan.now if state == ApplicationState.WITHDRAWN else None,
            }
        )
    ids = _insert_returning_ids(Application, rows)
    _insert(
        TeamMember,
        (
            {
                "application_id": app_id,
                "user_id": lead,
                "email": person_email(plan, f"{side}-lead", n, 20),
                "full_name": f"{side.upper()} lead {n}",
                "role": "lead",
                "country": country,
                "institution_id": institutions[country][n % 20],
                "invited_at": call.opens_at,
                "accepted_at": call.opens_at,
            }
            for n, app_id in enumerate(ids)
            for side, country, lead in (("uk", "GB", uk_leads[n]), ("cn", "CN", cn_leads[n]))
        ),
    )
    return [(app_id, row["state"]) for app_id, row in zip(ids, rows, strict=True)]


def _received(app_ids: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return [(i, s) for i, s in app_ids if s not in (ApplicationState.DRAFT, ApplicationState.WITHDRAWN)]


def _budgets(plan: _Plan, call: Call, app_ids: list[tuple[int, str]]) -> None:
    uk, cn = call.funders
    _insert(
        BudgetLine,
        (
            {
                "application_id": app_id,
                "call_funder_id": funder.id,
                "year": year,
                "category": category,
                "description": f"{category.title()}, year {year}",
                "amount_minor": plan.rng.randrange(10_000, funder.max_request_minor // 4, 100),
                "currency": funder.currency,
            }
            for app_id, _state in app_ids
            for funder in (uk, cn)
            for year, category in ((1, "staff"), (1, "travel"), (2, "staff"))
        ),
    )


def _reviews(plan: _Plan, call: Call, received: list[tuple[int, str]], officer: User) -> int:
    """``plan.reviews`` reviews spread over the received applications, each by a different
    reviewer, plus some declined and still-open invitations that never became reviews."""
    if not received or not plan.reviews:
        return 0
    reviewer_ids = _people(plan, "reviewer", plan.reviewers, "GB", _institutions()["REVIEW"])
    _insert(UserRole, ({"user_id": uid, "role": "reviewer", "granted_at": plan.now} for uid in reviewer_ids))
    per_app, extra = divmod(plan.reviews, len(received))
    assignments = []
    for n, (app_id, _state) in enumerate(received):
        wanted = per_app + (1 if n < extra else 0)
        # Now and then one more reviewer was asked and declined, or has not answered yet.
        asked = wanted + (1 if plan.rng.random() < 0.1 else 0)
        chosen = plan.rng.sample(reviewer_ids, min(asked, len(reviewer_ids)))
        for k, reviewer_id in enumerate(chosen):
            state = (
                AssignmentState.ACCEPTED
                if k < wanted
                else plan.rng.choice((AssignmentState.DECLINED, AssignmentState.INVITED))
            )
            assignments.append(
                {
                    "call_id": call.id,
                    "application_id": app_id,
                    "reviewer_id": reviewer_id,
                    "state": state,
                    "explanation": {},
                    "invited_at": call.closes_at + timedelta(days=2),
                    "invited_by_id": officer.id,
                    "responded_at": call.closes_at + timedelta(days=3),
                }
            )
    assignment_ids = _insert_returning_ids(ReviewAssignment, assignments)
    accepted = [
        aid for aid, row in zip(assignment_ids, assignments, strict=True) if row["state"] == "accepted"
    ]
    review_rows = []
    for aid in accepted:
        submitted = plan.rng.random() < 0.93
        review_rows.append(
            {
                "assignment_id": aid,
                "state": ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
                "recommendation": plan.rng.choice(list(Recommendation)) if submitted else None,
                "comments_for_applicant": "Clear aims and a credible plan." if submitted else "",
                "comments_for_panel": "",
                "no_conflict_declared": True,
                "overall_score": None,
                "created_at": call.closes_at + timedelta(days=4),
                "updated_at": call.closes_at + timedelta(days=10),
                "submitted_at": call.closes_at + timedelta(days=plan.rng.randint(5, 35))
                if submitted
                else None,
            }
        )
    review_ids = _insert_returning_ids(Review, review_rows)
    _scores(plan, call, review_ids, review_rows)
    return len(review_ids)


def _scores(plan: _Plan, call: Call, review_ids: list[int], review_rows: list[dict[str, Any]]) -> None:
    criteria = call.criteria
    total_weight = sum(c.weight for c in criteria)
    score_rows = []
    overall = []
    for review_id, row in zip(review_ids, review_rows, strict=True):
        if row["state"] != ReviewState.SUBMITTED:
            continue
        scores = [plan.rng.randint(c.scale_min, c.scale_max) for c in criteria]
        score_rows.extend(
            {"review_id": review_id, "criterion_id": c.id, "score": s}
            for c, s in zip(criteria, scores, strict=True)
        )
        overall.append(
            {
                "id": review_id,
                "overall_score": sum(c.weight * s for c, s in zip(criteria, scores, strict=True))
                / total_weight,
            }
        )
    _insert(CriterionScore, score_rows)
    for start in range(0, len(overall), BATCH):
        db.session.execute(update(Review), overall[start : start + BATCH])


def _decisions_and_awards(plan: _Plan, call: Call, received: list[tuple[int, str]], officer: User) -> int:
    outcome_of = {
        ApplicationState.AWARDED: "award",
        ApplicationState.REJECTED: "reject",
        ApplicationState.WAITLISTED: "waitlist",
    }
    decided = [(app_id, state) for app_id, state in received if state in outcome_of]
    released_at = call.closes_at + timedelta(days=plan.rng.randint(50, 58))
    decision_ids = _insert_returning_ids(
        Decision,
        [
            {
                "application_id": app_id,
                "call_id": call.id,
                "outcome": outcome_of[state],
                "rationale": "Ranked by the panel.",
                "state": DecisionState.RELEASED,
                "drafted_by_id": officer.id,
                "drafted_at": released_at - timedelta(days=3),
                "released_by_id": officer.id,
                "released_at": released_at,
            }
            for app_id, state in decided
        ],
    )
    awarded = [
        (decision_id, app_id)
        for decision_id, (app_id, state) in zip(decision_ids, decided, strict=True)
        if state == ApplicationState.AWARDED
    ]
    funders = call.funders
    amounts = {
        (app_id, f.id): plan.rng.randrange(100_000_00, f.max_request_minor, 100_00)
        for _d, app_id in awarded
        for f in funders
    }
    _insert(
        DecisionAmount,
        (
            {
                "decision_id": decision_id,
                "call_funder_id": f.id,
                "currency": f.currency,
                "amount_minor": amounts[(app_id, f.id)],
            }
            for decision_id, app_id in awarded
            for f in funders
        ),
    )
    return _awards(plan, call, awarded, amounts, officer, released_at)


def _awards(
    plan: _Plan,
    call: Call,
    awarded: list[tuple[int, int]],
    amounts: dict[tuple[int, int], int],
    officer: User,
    released_at: datetime,
) -> int:
    start = date(call.closes_at.year, call.closes_at.month, 1) + timedelta(days=92)
    rows = [
        {
            "application_id": app_id,
            "call_id": call.id,
            "reference": f"{call.reference_prefix}-A{n + 1:05d}",
            "state": _pick(plan.rng, AWARD_STATES),
            "start_date": start,
            "end_date": start + timedelta(days=3 * 365),
            "original_end_date": start + timedelta(days=3 * 365),
            "terms": "Seeded terms.",
            "offered_at": released_at,
            "offer_expires_at": released_at + timedelta(days=30),
            "offered_by_id": officer.id,
            "activated_at": released_at + timedelta(days=10),
        }
        for n, (_decision_id, app_id) in enumerate(awarded)
    ]
    award_ids = _insert_returning_ids(Award, rows)
    pairs = list(zip(award_ids, awarded, rows, strict=True))
    _insert(
        AwardFunding,
        (
            {
                "award_id": award_id,
                "call_funder_id": f.id,
                "currency": f.currency,
                "amount_minor": amounts[(app_id, f.id)],
            }
            for award_id, (_d, app_id), _row in pairs
            for f in call.funders
        ),
    )
    _insert(Payment, _payments(plan, call, pairs, amounts, officer))
    return len(award_ids)


def _payments(
    plan: _Plan,
    call: Call,
    pairs: list[tuple[int, tuple[int, int], dict[str, Any]]],
    amounts: dict[tuple[int, int], int],
    officer: User,
) -> Iterable[dict[str, Any]]:
    """Three yearly instalments per funder; the first is paid for awards under way, all are paid
    for completed ones, and a withdrawn offer's are cancelled."""
    paid_through = {AwardState.ACTIVE: 1, AwardState.COMPLETED: 3}
    for award_id, (_d, app_id), row in pairs:
        for f in call.funders:
            total = amounts[(app_id, f.id)]
            parts = [total // 3, total // 3, total - 2 * (total // 3)]
            for sequence, amount in enumerate(parts, start=1):
                due_on = row["start_date"] + timedelta(days=365 * (sequence - 1))
                paid = sequence <= paid_through.get(row["state"], 0)
                state = PaymentState.RELEASED if paid else PaymentState.SCHEDULED
                if row["state"] == AwardState.WITHDRAWN:
                    state = PaymentState.CANCELLED
                yield {
                    "award_id": award_id,
                    "call_funder_id": f.id,
                    "sequence": sequence,
                    "currency": f.currency,
                    "amount_minor": amount,
                    "due_on": due_on,
                    "state": state,
                    "paid_on": due_on if paid else None,
                    "payment_reference": f"FIN-{award_id}-{f.id}-{sequence}" if paid else None,
                    "released_at": plan.now if paid else None,
                    "released_by_id": officer.id if paid else None,
                }
