"""Bids: where a call invites them, reviewers say which proposals they would like to review."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.calls.models import Call
from grants.errors import Conflict, PermissionDenied, ValidationError
from grants.extensions import db
from grants.reviews.matching.affinity import Bid
from grants.reviews.models import ReviewBid
from grants.reviews.services.pool import ROUTING_STATES, reviewable_applications
from grants.security.predicates import can_bid, has_conflict


def biddable_applications(call: Call, reviewer: User) -> list[tuple[Application, str | None]]:
    """The call's proposals the reviewer may bid on (never those they are conflicted with),
    each with their current bid."""
    applications = [a for a in reviewable_applications(call) if not has_conflict(reviewer, a)]
    bids = {
        bid.application_id: bid.level
        for bid in db.session.scalars(
            select(ReviewBid).where(
                ReviewBid.reviewer_id == reviewer.id,
                ReviewBid.application_id.in_([a.id for a in applications]),
            )
        )
    }
    return [(a, bids.get(a.id)) for a in applications]


def place_bid(actor: User, application: Application, level: str, now: datetime) -> ReviewBid | None:
    """Record a bid, or clear it with an empty ``level``."""
    if not can_bid(actor, application):
        raise PermissionDenied(_("You cannot bid on this proposal."))
    if application.call.state not in ROUTING_STATES:
        raise Conflict(_("Bidding is open once the call has closed."))
    existing = db.session.scalar(
        select(ReviewBid).where(ReviewBid.application_id == application.id, ReviewBid.reviewer_id == actor.id)
    )
    if not level:
        if existing is not None:
            db.session.delete(existing)
        return None
    if level not in set(Bid):
        raise ValidationError(_("Choose eager, willing or not willing."), field="level")
    if existing is None:
        existing = ReviewBid(application_id=application.id, reviewer_id=actor.id)
        db.session.add(existing)
    existing.level = level
    existing.updated_at = now
    db.session.flush()
    return existing
