"""The applications export: one row per application of a call, drafts included, so the row count
is the call's total; with each funder's request and the submitted reviews' count and mean."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from grants.accounts.models import User
from grants.applications.models import Application, BudgetLine
from grants.applications.states import ApplicationState
from grants.calls.models import Call
from grants.extensions import db
from grants.insights.exports.base import (
    Export,
    Release,
    Row,
    application_reference,
    as_of_now,
    chunked_rows,
    id_chunks,
    local,
)
from grants.money import to_major
from grants.reviews.models import Review, ReviewAssignment
from grants.reviews.states import AssignmentState, ReviewState
from grants.security.visibility import Hidden, TeamMemberRow, hidden_for, team_member_rows


@dataclass(frozen=True)
class _Context:
    hidden: Hidden
    funders: list[tuple[int, str]]  # call funder id and currency, in the call's order
    zone: ZoneInfo


def applications_export(officer: User, call: Call, *, release: Release | None = None) -> Export:
    headers = [
        "Reference",
        "Title",
        "Status",
        "Priority area",
        "Lead applicant",
        "Lead institution",
        "Lead country",
        "Countries",
        "Joined members",
        f"Submitted at ({call.time_zone})",
        "Duration (months)",
        *(f"Requested from {entry.funder.short_name} ({entry.currency})" for entry in call.funders),
        "Reviews submitted",
        "Mean overall score",
    ]
    ids = as_of_now(select(Application.id).where(Application.call_id == call.id), Application.id)
    context = _Context(
        hidden=hidden_for(officer, ids),
        funders=[(entry.id, entry.currency) for entry in call.funders],
        zone=call.zone,
    )
    rows = chunked_rows(id_chunks(ids, Application.id), lambda chunk: _rows(chunk, context), release)
    return Export("applications", "Applications", headers, rows)


def _rows(ids: list[int], context: _Context) -> list[Row]:
    applications = db.session.execute(
        select(
            Application.id,
            Application.reference,
            Application.title,
            Application.state,
            Application.priority_area,
            Application.lead_applicant_id,
            User.full_name,
            Application.submitted_at,
            Application.duration_months,
        )
        .join(User, User.id == Application.lead_applicant_id)
        .where(Application.id.in_(ids))
        .order_by(Application.id)
    ).all()
    members = _members(ids)
    requested = _requested(ids)
    reviews = _submitted_reviews(ids)
    rows = []
    for app_id, reference, title, state, area, lead_id, lead_name, submitted_at, months in applications:
        if context.hidden.hides_application(app_id, state):
            continue
        team = members[app_id]
        lead = next((m for m in team if m.user_id == lead_id), None)
        joined = [m for m in team if m.joined]
        scores = (None, None) if context.hidden.hides_reviews(app_id) else reviews.get(app_id, (0, None))
        rows.append(
            (
                application_reference(reference, app_id),
                title,
                str(ApplicationState(state).label),
                area,
                lead_name,
                lead.institution if lead else None,
                lead.country if lead else None,
                ", ".join(sorted({m.country for m in joined})),
                len(joined),
                local(submitted_at, context.zone),
                months,
                *(to_major(requested[app_id][cf_id], currency) for cf_id, currency in context.funders),
                *scores,
            )
        )
    return rows


def _members(ids: list[int]) -> dict[int, list[TeamMemberRow]]:
    """Each application's team; a member's institution is their own, else their account's."""
    teams: dict[int, list[TeamMemberRow]] = defaultdict(list)
    for member in team_member_rows(ids):
        teams[member.application_id].append(member)
    return teams


def _requested(ids: list[int]) -> dict[int, dict[int, int]]:
    """Application id -> call funder id -> the sum of its budget lines, in minor units."""
    totals: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for app_id, cf_id, amount in db.session.execute(
        select(BudgetLine.application_id, BudgetLine.call_funder_id, func.sum(BudgetLine.amount_minor))
        .where(BudgetLine.application_id.in_(ids))
        .group_by(BudgetLine.application_id, BudgetLine.call_funder_id)
    ):
        totals[app_id][cf_id] = int(amount or 0)
    return totals


def _submitted_reviews(ids: list[int]) -> dict[int, tuple[int, float | None]]:
    """Application id -> (submitted reviews, their mean overall score), counting reviews as the
    ranking does: submitted by a reviewer still on the application."""
    rows = db.session.execute(
        select(ReviewAssignment.application_id, func.count(Review.id), func.avg(Review.overall_score))
        .join(Review, Review.assignment_id == ReviewAssignment.id)
        .where(
            ReviewAssignment.application_id.in_(ids),
            ReviewAssignment.state == AssignmentState.ACCEPTED,
            Review.state == ReviewState.SUBMITTED,
        )
        .group_by(ReviewAssignment.application_id)
    )
    return {
        app_id: (count, round(float(mean), 3) if mean is not None else None) for app_id, count, mean in rows
    }
