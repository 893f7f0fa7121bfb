"""Writing a review: a score per criterion, comments for the applicant and for the panel, a
recommendation and a declaration. Drafts save anything valid so far; submission requires it all
and locks the review until an officer unlocks it with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from grants.accounts.models import User
from grants.audit.services import record
from grants.database import lock_and_reload
from grants.errors import Conflict, PermissionDenied, ValidationError
from grants.extensions import db
from grants.links import external_url
from grants.reviews.models import CriterionScore, Review, ReviewAssignment
from grants.reviews.services.mail import email_reviewer
from grants.reviews.services.pool import REVIEWABLE_STATES, ROUTING_STATES
from grants.reviews.services.reasons import clean_reason
from grants.reviews.services.scoring import review_score
from grants.reviews.states import AssignmentState, Recommendation, ReviewState, check_review_transition
from grants.security.predicates import can_review, can_unlock_review

MAX_COMMENT_LENGTH = 20_000
MIN_APPLICANT_COMMENT_WORDS = 20


@dataclass
class ReviewInput:
    scores: dict[int, int | None] = field(default_factory=dict)
    recommendation: str | None = None
    comments_for_applicant: str = ""
    comments_for_panel: str = ""
    no_conflict_declared: bool = False


def save_review(
    actor: User, assignment: ReviewAssignment, data: ReviewInput, now: datetime, *, submit: bool
) -> Review:
    """Save a draft, or submit. A submitted review cannot change until it is unlocked."""
    lock_and_reload(assignment)
    if not can_review(actor, assignment):
        raise PermissionDenied(_("Only the reviewer who accepted this invitation can review it."))
    call = assignment.call
    if call.state not in ROUTING_STATES or assignment.application.state not in REVIEWABLE_STATES:
        raise Conflict(_("This application is no longer taking reviews."))
    review = assignment.review
    if review is None:
        review = Review(assignment=assignment, state=ReviewState.DRAFT, created_at=now)
        db.session.add(review)
    if review.is_submitted:
        raise Conflict(
            _("You have submitted this review; ask the programme officer to unlock it for changes.")
        )

    scores = _checked_scores(call.criteria, data.scores)
    if data.recommendation and data.recommendation not in set(Recommendation):
        raise ValidationError(_("Choose one of the recommendations."), field="recommendation")
    for name in ("comments_for_applicant", "comments_for_panel"):
        if len(getattr(data, name)) > MAX_COMMENT_LENGTH:
            raise ValidationError(
                _("Keep comments under %(limit)s characters.", limit=f"{MAX_COMMENT_LENGTH:,}"), field=name
            )

    by_criterion = {s.criterion_id: s for s in review.scores}
    for criterion_id, value in scores.items():
        if value is None:
            if criterion_id in by_criterion:
                review.scores.remove(by_criterion[criterion_id])
        elif criterion_id in by_criterion:
            by_criterion[criterion_id].score = value
        else:
            review.scores.append(CriterionScore(criterion_id=criterion_id, score=value))
    review.recommendation = data.recommendation or None
    review.comments_for_applicant = data.comments_for_applicant.strip()
    review.comments_for_panel = data.comments_for_panel.strip()
    review.no_conflict_declared = data.no_conflict_declared
    review.updated_at = now
    if submit:
        _submit(actor, review, scores, call, now)
    db.session.flush()
    record(actor, "review.submitted" if submit else "review.saved", assignment)
    return review


def _checked_scores(criteria, given: dict[int, int | None]) -> dict[int, int | None]:
    checked: dict[int, int | None] = {}
    for criterion in criteria:
        value = given.get(criterion.id)
        if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            raise ValidationError(
                _(
                    "Score %(criterion)s from %(low)s to %(high)s.",
                    criterion=criterion.name,
                    low=criterion.scale_min,
                    high=criterion.scale_max,
                ),
                field=f"score_{criterion.id}",
            )
        checked[criterion.id] = value
    return checked


def _submit(actor: User, review: Review, scores: dict[int, int | None], call, now: datetime) -> None:
    missing = [c.name for c in call.criteria if scores.get(c.id) is None]
    if missing:
        raise ValidationError(
            _("Score every criterion before submitting: %(criteria)s.", criteria=_(", ").join(missing))
        )
    if not review.recommendation:
        raise ValidationError(_("Choose a recommendation before submitting."), field="recommendation")
    if len(review.comments_for_applicant.split()) < MIN_APPLICANT_COMMENT_WORDS:
        raise ValidationError(
            _(
                "Write at least %(num)s words of comments for the applicants.",
                num=MIN_APPLICANT_COMMENT_WORDS,
            ),
            field="comments_for_applicant",
        )
    if not review.no_conflict_declared:
        raise ValidationError(
            _("Declare that you have no conflict of interest."), field="no_conflict_declared"
        )
    check_review_transition(review.state, ReviewState.SUBMITTED)
    review.state = ReviewState.SUBMITTED
    review.submitted_at = now
    review.overall_score = review_score(call, {cid: v for cid, v in scores.items() if v is not None})
    email_reviewer(
        review.assignment,
        "review_received",
        f"review_received:{review.id}:{now.timestamp():.0f}",
        link=external_url("reviews.review", assignment_id=review.assignment.id),
    )


def unlock_review(actor: User, review: Review, reason: str, now: datetime) -> Review:
    if not can_unlock_review(actor, review):
        raise PermissionDenied(_("Only programme officers without a conflict can unlock this review."))
    assignment = review.assignment
    lock_and_reload(assignment)
    if assignment.state != AssignmentState.ACCEPTED:
        raise Conflict(_("The reviewer is no longer on this application; their review stays as it is."))
    if assignment.application.state not in REVIEWABLE_STATES:
        raise Conflict(_("The application has been decided; its reviews stay as they were released."))
    reason = clean_reason(reason, _("Tell the reviewer what to change."))
    check_review_transition(review.state, ReviewState.DRAFT)
    review.state = ReviewState.DRAFT
    review.unlocked_at = now
    review.unlock_reason = reason
    review.overall_score = None
    email_reviewer(
        assignment,
        "review_unlocked",
        f"review-unlocked-{review.id}-{now.timestamp():.0f}",
        reason=reason,
        link=external_url("reviews.review", assignment_id=assignment.id),
    )
    record(actor, "review.unlocked", assignment, {"reason": reason})
    return review
