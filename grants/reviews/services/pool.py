"""Who can review for a call, what they already carry, and which applications need reviewers."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import format_skeleton
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.accounts.models import User, UserRole
from grants.accounts.reference import reading_language
from grants.accounts.roles import Role
from grants.applications.models import Application, TeamMember
from grants.applications.states import ApplicationState
from grants.calls.models import Call
from grants.calls.states import CallState
from grants.database import lock_and_reload
from grants.errors import Conflict, PermissionDenied
from grants.extensions import db
from grants.i18n import FORMAT_LOCALES
from grants.reviews.models import DEFAULT_MAX_REVIEWS, ReviewAssignment, UnavailablePeriod
from grants.reviews.states import ACTIVE_ASSIGNMENT_STATES
from grants.security.predicates import can_manage_calls, can_route_reviews

REVIEWABLE_STATES = (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW)
# Reviews are routed once submissions are final, and until the call is decided.
ROUTING_STATES = frozenset({CallState.CLOSED, CallState.REVIEWING})
# Without a review due date, availability is judged over this many days from now.
DEFAULT_REVIEW_WINDOW = timedelta(days=28)


def require_routing(actor: Any, call: Call) -> None:
    """An officer may change who reviews for ``call`` now. Takes the call's row lock: routing
    changes to one call happen one at a time, so loads and places are counted once."""
    if not can_manage_calls(actor):
        raise PermissionDenied(_("Only programme officers route reviews."))
    lock_and_reload(call)
    if call.state not in ROUTING_STATES:
        raise Conflict(_("Reviews are assigned once the call has closed and until it is decided."))


def require_unconflicted(actor: Any, application: Application) -> None:
    if not can_route_reviews(actor, application):
        raise PermissionDenied(
            _(
                "You have a conflict of interest with %(reference)s; another officer must route its reviews.",
                reference=application.display_reference,
            )
        )


def reviewer_pool(call: Call | None = None) -> list[User]:
    """Active accounts holding the reviewer role, by name. (Every call shares one pool.)"""
    statement = (
        select(User)
        .where(User.role_rows.any(UserRole.role == Role.REVIEWER.value), User.is_active_account.is_(True))
        .options(selectinload(User.reviewer_profile))
        .order_by(User.full_name, User.id)
    )
    return list(db.session.scalars(statement))


def reviewable_applications(call: Call) -> list[Application]:
    statement = (
        select(Application)
        .where(Application.call_id == call.id, Application.state.in_(REVIEWABLE_STATES))
        .options(
            selectinload(Application.members).joinedload(TeamMember.user),
            selectinload(Application.budget_lines),
            selectinload(Application.conflicts),
            selectinload(Application.review_assignments),
        )
        .order_by(Application.reference, Application.id)
    )
    return list(db.session.scalars(statement))


def call_assignments(call: Call) -> list[ReviewAssignment]:
    return list(
        db.session.scalars(
            select(ReviewAssignment)
            .where(ReviewAssignment.call_id == call.id)
            .options(selectinload(ReviewAssignment.review), selectinload(ReviewAssignment.reviewer))
            .order_by(ReviewAssignment.id)
        )
    )


def active_loads(assignments: list[ReviewAssignment]) -> Counter[int]:
    return Counter(a.reviewer_id for a in assignments if a.state in ACTIVE_ASSIGNMENT_STATES)


def max_reviews(reviewer: User) -> int:
    profile = reviewer.reviewer_profile
    return profile.max_reviews_per_call if profile is not None else DEFAULT_MAX_REVIEWS


def review_window(call: Call, now: datetime) -> tuple[date, date]:
    ends = call.review_due_at or now + DEFAULT_REVIEW_WINDOW
    return now.date(), max(ends, now).date()


def unavailable_period(reviewer: User, window: tuple[date, date]) -> UnavailablePeriod | None:
    """The reviewer's first period away that overlaps ``window``, or None when they can review."""
    profile = reviewer.reviewer_profile
    if profile is None:
        return None
    for period in profile.unavailable:
        if period.starts_on <= window[1] and period.ends_on >= window[0]:
            return period
    return None


def unavailability(reviewer: User, window: tuple[date, date]) -> str | None:
    """Why the reviewer cannot take reviews in ``window``, in the reader's language, or None
    when they can."""
    period = unavailable_period(reviewer, window)
    return None if period is None else describe_away(period.starts_on, period.ends_on)


def away_record(period: UnavailablePeriod) -> str:
    """The same reason as kept with a proposal: in English, like every stored value."""
    return f"unavailable {period.starts_on:%d %b} to {period.ends_on:%d %b %Y}"


def describe_away(starts_on: date, ends_on: date) -> str:
    """A period away in the reader's language: "unavailable 05 Mar to 10 Mar 2031"."""
    language = reading_language()
    if language == "en":
        start, end = f"{starts_on:%d %b}", f"{ends_on:%d %b %Y}"
    else:
        locale = FORMAT_LOCALES[language]
        start = format_skeleton("MMMd", starts_on, locale=locale)
        end = format_skeleton("yMMMd", ends_on, locale=locale)
    return _("unavailable %(start)s to %(end)s", start=start, end=end)


def application_countries(application: Application) -> set[str]:
    return {member.country for member in application.members if member.country}
