"""Automatic assignment as a proposal: made by the solver, previewed and edited by the officer,
then confirmed, which writes the invitations and their emails in one transaction."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.audit.services import record
from grants.calls.models import Call
from grants.database import lock_and_reload
from grants.errors import Conflict, NotFound, ValidationError
from grants.extensions import db
from grants.reviews.matching.problem import MatchingOptions
from grants.reviews.matching.shortfalls import capacity_gap, explain_shortfalls
from grants.reviews.matching.solver import solve_assignment
from grants.reviews.models import AssignmentProposal, ProposedPair
from grants.reviews.services.invitations import check_new_place, invite
from grants.reviews.services.pool import away_record, require_routing, require_unconflicted
from grants.reviews.services.problem_builder import build_call_problem, pair_fit
from grants.reviews.states import ProposalState


def pending_proposal(call: Call) -> AssignmentProposal | None:
    return db.session.scalar(
        select(AssignmentProposal)
        .where(AssignmentProposal.call_id == call.id, AssignmentProposal.state == ProposalState.PENDING)
        .order_by(AssignmentProposal.id.desc())
    )


def propose_assignment(
    actor: User,
    call: Call,
    *,
    fairness: bool,
    mix_countries: bool,
    now: datetime,
    spread_shortfall: bool = True,
) -> AssignmentProposal:
    """Solve the call's assignment (only its gaps, if reviewers are already invited) as a proposal.

    Any earlier pending proposal is discarded: the newest one reflects the current pool."""
    require_routing(actor, call)
    for earlier in db.session.scalars(
        select(AssignmentProposal).where(
            AssignmentProposal.call_id == call.id, AssignmentProposal.state == ProposalState.PENDING
        )
    ):
        earlier.state = ProposalState.DISCARDED
    built = build_call_problem(call, now)
    problem = built.problem
    options = MatchingOptions(
        fairness=fairness, mix_countries=mix_countries, spread_shortfall=spread_shortfall
    )
    result = solve_assignment(problem, options)
    proposal = AssignmentProposal(
        call_id=call.id,
        created_by_id=actor.id,
        created_at=now,
        options={"fairness": fairness, "mix_countries": mix_countries, "spread_shortfall": spread_shortfall},
        summary={
            "certified": result.certified,
            "floor": result.floor,
            "demand": int(problem.demand.sum()),
            "capacity": int(problem.capacity.sum()),
            "capacity_gap": capacity_gap(problem),
            "pool": problem.reviewers,
            "seconds": round(sum(result.timings.values()), 3),
            # Reasons are kept in English; the dates and counts beside them let the preview say
            # them in its reader's language.
            "unavailable": [
                {
                    "reviewer": r.full_name,
                    "reason": away_record(built.unavailable[r.id]),
                    "starts_on": built.unavailable[r.id].starts_on.isoformat(),
                    "ends_on": built.unavailable[r.id].ends_on.isoformat(),
                }
                for r in built.reviewers
                if r.id in built.unavailable
            ],
            "shortfalls": [
                {
                    "application_id": built.applications[s.application].id,
                    "reference": built.applications[s.application].record_reference,
                    "missing": s.missing,
                    "reason": s.reason,
                    "eligible": s.eligible,
                    "demand": s.demand,
                }
                for s in explain_shortfalls(problem, result)
            ],
        },
    )
    affinities = result.pair_affinities(problem)
    for app, reviewer, affinity in zip(
        result.app_index.tolist(),
        result.reviewer_index.tolist(),
        np.asarray(affinities).tolist(),
        strict=True,
    ):
        proposal.pairs.append(
            ProposedPair(
                application_id=built.applications[app].id,
                reviewer_id=built.reviewers[reviewer].id,
                affinity=round(float(affinity), 4),
                explanation=built.explain(app, reviewer),
            )
        )
    db.session.add(proposal)
    db.session.flush()
    record(
        actor,
        "assignment.proposed",
        call,
        {
            "proposal_id": proposal.id,
            "pairs": len(proposal.pairs),
            "short": len(proposal.summary["shortfalls"]),
            **proposal.options,
        },
    )
    return proposal


def require_pending(actor: User, proposal: AssignmentProposal) -> None:
    """The proposal is still open to edits; its row lock is held until the transaction ends, so
    two officers confirming at once cannot both send the invitations."""
    require_routing(actor, proposal.call)
    lock_and_reload(proposal)
    if proposal.state == ProposalState.CONFIRMED:
        raise Conflict(_("This proposal was confirmed; make a new one."))
    if proposal.state != ProposalState.PENDING:
        raise Conflict(_("This proposal was discarded; make a new one."))


def add_pair(
    actor: User, proposal: AssignmentProposal, application_id: int, reviewer_id: int, now: datetime
) -> ProposedPair:
    """An officer's own choice, checked like any other: no conflict, within loads."""
    require_pending(actor, proposal)
    application = db.session.get(Application, application_id)
    reviewer = db.session.get(User, reviewer_id)
    if application is None or application.call_id != proposal.call_id or reviewer is None:
        raise NotFound(_("No such application or reviewer in this call."))
    require_unconflicted(actor, application)
    if any(p.application_id == application_id and p.reviewer_id == reviewer_id for p in proposal.pairs):
        raise ValidationError(
            _("%(name)s is already proposed for this application.", name=reviewer.full_name),
            field="reviewer",
        )
    proposed_for_app = sum(p.application_id == application_id for p in proposal.pairs)
    proposed_for_reviewer = sum(p.reviewer_id == reviewer_id for p in proposal.pairs)
    check_new_place(
        application, reviewer, now, extra_places=proposed_for_app, extra_load=proposed_for_reviewer
    )
    affinity, explanation = pair_fit(application, reviewer_id, now)  # a reviewer in the pool
    pair = ProposedPair(
        application_id=application_id,
        reviewer_id=reviewer_id,
        affinity=affinity,
        explanation=explanation,
        manual=True,
    )
    proposal.pairs.append(pair)
    db.session.flush()
    record(
        actor,
        "assignment.pair_added",
        proposal.call,
        {"application_id": application_id, "reviewer_id": reviewer_id},
    )
    return pair


def remove_pair(actor: User, proposal: AssignmentProposal, pair_id: int) -> None:
    require_pending(actor, proposal)
    pair = next((p for p in proposal.pairs if p.id == pair_id), None)
    if pair is None:
        raise NotFound(_("That pair is not in this proposal."))
    require_unconflicted(actor, pair.application)
    proposal.pairs.remove(pair)
    record(
        actor,
        "assignment.pair_removed",
        proposal.call,
        {"application_id": pair.application_id, "reviewer_id": pair.reviewer_id},
    )


def confirm_proposal(actor: User, proposal: AssignmentProposal, now: datetime) -> int:
    """Invite every proposed reviewer; refuse the whole confirmation if any pair is no longer
    allowed (a conflict recorded, a load reached since the preview)."""
    require_pending(actor, proposal)
    if not proposal.pairs:
        raise Conflict(_("The proposal has no reviewers to invite."))
    for pair in proposal.pairs:
        invite(
            actor, pair.application, pair.reviewer, now, affinity=pair.affinity, explanation=pair.explanation
        )
    proposal.state = ProposalState.CONFIRMED
    record(
        actor,
        "assignment.confirmed",
        proposal.call,
        {"proposal_id": proposal.id, "invitations": len(proposal.pairs)},
    )
    return len(proposal.pairs)


def discard_proposal(actor: User, proposal: AssignmentProposal) -> None:
    require_pending(actor, proposal)
    proposal.state = ProposalState.DISCARDED
    record(actor, "assignment.discarded", proposal.call, {"proposal_id": proposal.id})
