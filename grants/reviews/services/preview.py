"""What the officer sees of a proposal: per application its reviewers and why, and the totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Any

from flask_babel import gettext as _

from grants.accounts.models import User
from grants.applications.models import Application
from grants.reviews.matching.affinity import Bid
from grants.reviews.matching.shortfalls import describe_shortfall
from grants.reviews.models import AssignmentProposal, ProposedPair, ReviewAssignment
from grants.reviews.services.pool import (
    call_assignments,
    describe_away,
    max_reviews,
    reviewable_applications,
    reviewer_pool,
)
from grants.reviews.states import ACTIVE_ASSIGNMENT_STATES, ProposalState


@dataclass
class PreviewRow:
    application: Application
    held: list[ReviewAssignment] = field(default_factory=list)
    proposed: list[ProposedPair] = field(default_factory=list)
    shortfall: dict | None = None

    @property
    def changes(self) -> bool:
        """Whether the proposal does anything here: new reviewers, or a gap it cannot fill."""
        return bool(self.proposed or self.shortfall)

    @property
    def mean_affinity(self) -> float | None:
        values = [p.affinity for p in self.proposed] + [
            a.affinity for a in self.held if a.affinity is not None
        ]
        return mean(values) if values else None


@dataclass
class ReviewerLoad:
    reviewer: User
    held: int
    proposed: int
    limit: int

    @property
    def total(self) -> int:
        return self.held + self.proposed


@dataclass
class ProposalPreview:
    proposal: AssignmentProposal
    rows: list[PreviewRow]
    loads: list[ReviewerLoad]

    @property
    def pair_affinities(self) -> list[float]:
        return [p.affinity for p in self.proposal.pairs]

    @property
    def mean_affinity(self) -> float | None:
        return mean(self.pair_affinities) if self.pair_affinities else None

    @property
    def weakest_pair(self) -> float | None:
        return min(self.pair_affinities) if self.pair_affinities else None

    @property
    def weakest_application(self) -> PreviewRow | None:
        rated = [r for r in self.rows if r.proposed and r.mean_affinity is not None]
        return min(rated, key=lambda r: r.mean_affinity) if rated else None

    @property
    def short_rows(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.shortfall]

    @property
    def shortfalls(self) -> list[dict[str, Any]]:
        """The proposal's shortfalls, each with ``text``: its reason in the reader's language."""
        return [shortfall_for_page(s) for s in self.proposal.summary.get("shortfalls", [])]

    @property
    def unavailable(self) -> str:
        """Who was away in the review period, and when, as one list in the reader's language."""
        return _(", ").join(
            _("%(reviewer)s (%(reason)s)", reviewer=u["reviewer"], reason=away_for_page(u))
            for u in self.proposal.summary.get("unavailable", [])
        )

    @staticmethod
    def explain(explanation: dict[str, Any]) -> str:
        """Why a pair scored what it did, one clause per part, in the reader's language."""
        parts = [_("text similarity %(value)s", value=f"{explanation.get('text') or 0:.2f}")]
        if explanation.get("area"):
            parts.append(_("works in %(area)s", area=explanation["area"]))
        if explanation.get("keywords"):
            parts.append(_("keywords %(keywords)s", keywords=_(", ").join(explanation["keywords"])))
        if explanation.get("bid"):
            level = explanation["bid"]
            label = Bid(level).label.lower() if level in set(Bid) else level.replace("_", " ")
            parts.append(_("bid %(level)s", level=label))
        if explanation.get("outside"):
            parts.append(_("from outside the applicants' countries"))
        return _("; ").join(parts)


def shortfall_for_page(shortfall: dict[str, Any]) -> dict[str, Any]:
    """A stored shortfall with its reason in the reader's language (proposals made before the
    counts were kept show the English record)."""
    if "eligible" in shortfall and "demand" in shortfall:
        text = describe_shortfall(shortfall["eligible"], shortfall["demand"])
    else:
        text = shortfall["reason"]
    return {**shortfall, "text": text}


def away_for_page(entry: dict[str, Any]) -> str:
    if "starts_on" in entry and "ends_on" in entry:
        return describe_away(date.fromisoformat(entry["starts_on"]), date.fromisoformat(entry["ends_on"]))
    return entry["reason"]


def proposal_preview(proposal: AssignmentProposal) -> ProposalPreview:
    call = proposal.call
    held: dict[int, list[ReviewAssignment]] = {}
    held_load: Counter[int] = Counter()
    # Once confirmed, the proposal's pairs are the invitations themselves: show them once.
    pending = proposal.state == ProposalState.PENDING
    for assignment in call_assignments(call) if pending else []:
        if assignment.state in ACTIVE_ASSIGNMENT_STATES:
            held.setdefault(assignment.application_id, []).append(assignment)
            held_load[assignment.reviewer_id] += 1
    proposed: dict[int, list[ProposedPair]] = {}
    proposed_load: Counter[int] = Counter()
    for pair in proposal.pairs:
        proposed.setdefault(pair.application_id, []).append(pair)
        proposed_load[pair.reviewer_id] += 1
    shortfalls = {s["application_id"]: shortfall_for_page(s) for s in proposal.summary.get("shortfalls", [])}
    rows = [
        PreviewRow(
            a,
            held.get(a.id, []),
            sorted(proposed.get(a.id, []), key=lambda p: -p.affinity),
            shortfalls.get(a.id),
        )
        for a in reviewable_applications(call)
    ]
    loads = [
        ReviewerLoad(r, held_load[r.id], proposed_load[r.id], max_reviews(r))
        for r in reviewer_pool(call)
        if held_load[r.id] or proposed_load[r.id]
    ]
    loads.sort(key=lambda load: (-load.total, load.reviewer.full_name))
    return ProposalPreview(proposal, rows, loads)
