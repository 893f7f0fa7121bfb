"""A call's applications and reviewer pool as a matching problem, and why each pair scored.

Pairs already invited, accepted, declined or cancelled are never proposed again; places already
held count against the application's need and the reviewer's load. That is what makes a second
run fill only the gaps, without moving anyone who accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.calls.models import Call
from grants.extensions import db
from grants.reviews.matching.affinity import (
    AffinityParts,
    ApplicationText,
    Bid,
    ReviewerText,
    application_document,
    apply_bids,
    compute_affinity,
    normalise_keyword,
    split_keywords,
)
from grants.reviews.matching.problem import MatchingProblem
from grants.reviews.models import ReviewAssignment, ReviewBid, UnavailablePeriod
from grants.reviews.services.conflicts import refresh_detected_conflicts, stored_conflicts
from grants.reviews.services.pool import (
    active_loads,
    application_countries,
    call_assignments,
    max_reviews,
    review_window,
    reviewable_applications,
    reviewer_pool,
    unavailable_period,
)
from grants.reviews.states import ACTIVE_ASSIGNMENT_STATES


@dataclass
class CallProblem:
    call: Call
    applications: list[Application]
    reviewers: list[User]
    parts: AffinityParts
    problem: MatchingProblem
    bids: dict[tuple[int, int], str]
    # Reviewers away during the review period, by id: the period that keeps them out.
    unavailable: dict[int, UnavailablePeriod]
    assignments: list[ReviewAssignment]
    # Each application's words, normalised once for every pair that explains against them.
    _words: dict[int, str] = field(default_factory=dict, repr=False)

    def reviewer_position(self, reviewer_id: int) -> int | None:
        return next((i for i, r in enumerate(self.reviewers) if r.id == reviewer_id), None)

    def explain(self, app: int, reviewer: int) -> dict[str, Any]:
        """Why the pair scored what it did, in parts an officer can read."""
        application, person = self.applications[app], self.reviewers[reviewer]
        profile = person.reviewer_profile
        if app not in self._words:
            self._words[app] = f" {normalise_keyword(application_document(_application_text(application)))} "
        keywords = split_keywords(profile.keywords) if profile else []
        found = [k for k in keywords if f" {k} " in self._words[app]]
        foreign = self.problem.foreign is not None and bool(self.problem.foreign[app, reviewer])
        return {
            "text": round(float(self.parts.text[app, reviewer]), 3),
            "area": application.priority_area if self.parts.area[app, reviewer] > 0 else None,
            "keywords": found[:8],
            "bid": self.bids.get((application.id, person.id)),
            "outside": foreign,
        }


def _application_text(application: Application) -> ApplicationText:
    return ApplicationText(
        application.title, application.abstract or "", application.keywords or "", application.priority_area
    )


def _reviewer_text(reviewer: User) -> ReviewerText:
    profile = reviewer.reviewer_profile
    if profile is None:
        return ReviewerText((), "", ())
    return ReviewerText(split_keywords(profile.keywords), profile.statement, profile.area_names)


def build_call_problem(
    call: Call, now: datetime, applications: list[Application] | None = None
) -> CallProblem:
    applications = applications if applications is not None else reviewable_applications(call)
    reviewers = reviewer_pool(call)
    refresh_detected_conflicts(call, applications, reviewers)
    conflicts = stored_conflicts(call)
    assignments = call_assignments(call)
    app_at = {a.id: i for i, a in enumerate(applications)}
    reviewer_at = {r.id: j for j, r in enumerate(reviewers)}

    parts = compute_affinity(
        [_application_text(a) for a in applications], [_reviewer_text(r) for r in reviewers]
    )
    bids = {
        (bid.application_id, bid.reviewer_id): bid.level
        for bid in db.session.scalars(select(ReviewBid).where(ReviewBid.application_id.in_(list(app_at))))
    }
    affinity = parts.combined()
    if call.invites_bids:
        affinity = apply_bids(
            affinity,
            [(app_at[a], reviewer_at[r], Bid(level)) for (a, r), level in bids.items() if r in reviewer_at],
        )

    shape = (len(applications), len(reviewers))
    eligible = np.ones(shape, dtype=bool)
    for app_id, reviewer_id in conflicts:
        if app_id in app_at and reviewer_id in reviewer_at:
            eligible[app_at[app_id], reviewer_at[reviewer_id]] = False
    demand = np.full(len(applications), call.reviews_required, dtype=np.int64)
    needs_foreign = np.ones(len(applications), dtype=bool)
    countries = [application_countries(a) for a in applications]
    for assignment in assignments:
        app, reviewer = app_at.get(assignment.application_id), reviewer_at.get(assignment.reviewer_id)
        if app is None:
            continue
        if reviewer is not None:
            eligible[app, reviewer] = False
        if assignment.state in ACTIVE_ASSIGNMENT_STATES:
            demand[app] -= 1
            country = assignment.reviewer.country
            if country and country not in countries[app]:
                needs_foreign[app] = False
    np.maximum(demand, 0, out=demand)

    window = review_window(call, now)
    unavailable = {r.id: period for r in reviewers if (period := unavailable_period(r, window))}
    loads = active_loads(assignments)
    capacity = np.array(
        [0 if r.id in unavailable else max(0, max_reviews(r) - loads[r.id]) for r in reviewers],
        dtype=np.int64,
    )
    for reviewer_id in unavailable:
        eligible[:, reviewer_at[reviewer_id]] = False

    foreign = outside_countries(countries, [r.country for r in reviewers])
    return CallProblem(
        call=call,
        applications=applications,
        reviewers=reviewers,
        parts=parts,
        problem=MatchingProblem(affinity, eligible, demand, capacity, foreign, needs_foreign),
        bids=bids,
        unavailable=unavailable,
        assignments=assignments,
    )


def outside_countries(app_countries: list[set[str]], reviewer_countries: list[str | None]) -> np.ndarray:
    """(applications, reviewers) mask: the reviewer's country is known and none of the team's."""
    codes = {
        code: i
        for i, code in enumerate(sorted(set().union(*app_countries, {c for c in reviewer_countries if c})))
    }
    present = np.zeros((len(app_countries), len(codes) + 1), dtype=bool)
    for row, found in enumerate(app_countries):
        present[row, [codes[c] for c in found]] = True
    columns = np.array([codes[c] if c else len(codes) for c in reviewer_countries], dtype=np.int64)
    known = columns < len(codes)
    return ~present[:, columns] & known[None, :]


def pair_fit(
    application: Application, reviewer_id: int, now: datetime
) -> tuple[float | None, dict[str, Any]]:
    """How well one reviewer fits one application, and why, as the solver and the preview see it;
    (None, {}) for someone outside the pool."""
    built = build_call_problem(application.call, now, applications=[application])
    column = built.reviewer_position(reviewer_id)
    if column is None:
        return None, {}
    return round(float(built.problem.affinity[0, column]), 4), built.explain(0, column)
