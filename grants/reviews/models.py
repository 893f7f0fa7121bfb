"""Reviewer profiles, conflicts of interest, bids, assignment proposals, invitations and reviews."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from grants.extensions import db
from grants.reviews.detection import describe_reason
from grants.reviews.states import AssignmentState, ProposalState, Recommendation, ReviewState
from grants.timeutil import UTCDateTime, utcnow

DEFAULT_MAX_REVIEWS = 6
# The reasons the application itself stores when it takes a reviewer off (English, like every
# stored value), and how pages say them; an officer's own words are shown as written.
DECLARED_CONFLICT = "The reviewer declared a conflict of interest."
RECORDED_CONFLICT = "An officer recorded a conflict of interest."
PANEL_DECIDED = "The panel has decided on this proposal, so the review is no longer needed."
SYSTEM_CANCEL_REASONS = {
    DECLARED_CONFLICT: _l("The reviewer declared a conflict of interest."),
    RECORDED_CONFLICT: _l("An officer recorded a conflict of interest."),
    PANEL_DECIDED: _l("The panel has decided on this proposal, so the review is no longer needed."),
}


def system_reason_text(reason: str | None) -> str | None:
    """A cancellation reason for its reader: the application's own, translated; an officer's
    words as written."""
    return str(SYSTEM_CANCEL_REASONS[reason]) if reason in SYSTEM_CANCEL_REASONS else reason


class ReviewerProfile(db.Model):
    """What a reviewer knows and how much they will take on. Institution and country are the
    account's own, so they cannot drift apart."""

    __tablename__ = "reviewer_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    keywords: Mapped[str] = mapped_column(Text, default="")
    statement: Mapped[str] = mapped_column(Text, default="")
    max_reviews_per_call: Mapped[int] = mapped_column(default=DEFAULT_MAX_REVIEWS)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User", backref=backref("reviewer_profile", uselist=False, lazy="select"))
    areas: Mapped[list[ReviewerArea]] = relationship(
        cascade="all, delete-orphan", order_by="ReviewerArea.name", lazy="selectin"
    )
    collaborators: Mapped[list[Collaborator]] = relationship(
        cascade="all, delete-orphan", order_by="Collaborator.id", lazy="selectin"
    )
    unavailable: Mapped[list[UnavailablePeriod]] = relationship(
        cascade="all, delete-orphan", order_by="UnavailablePeriod.starts_on", lazy="selectin"
    )

    @property
    def area_names(self) -> list[str]:
        return [area.name for area in self.areas]


class ReviewerArea(db.Model):
    __tablename__ = "reviewer_areas"
    __table_args__ = (UniqueConstraint("profile_id", "name", name="uq_reviewer_areas_profile_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("reviewer_profiles.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))


class Collaborator(db.Model):
    """A co-author or collaborator the reviewer declares, matched against teams by ORCID or email."""

    __tablename__ = "reviewer_collaborators"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("reviewer_profiles.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    orcid: Mapped[str | None] = mapped_column(String(19))


class UnavailablePeriod(db.Model):
    __tablename__ = "reviewer_unavailable_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("reviewer_profiles.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(200), default="")


class ConflictOfInterest(db.Model):
    """One reason a reviewer must stay away from an application."""

    __tablename__ = "conflicts_of_interest"
    __table_args__ = (
        UniqueConstraint(
            "application_id", "reviewer_id", "source", name="uq_conflicts_application_reviewer_source"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    application = relationship("Application", backref=backref("conflicts", lazy="select"))
    reviewer = relationship("User", foreign_keys=[reviewer_id])

    @property
    def reason_text(self) -> str:
        """The reason as a page shows it: a detected one in the reader's language."""
        return describe_reason(self.reason)


class ReviewBid(db.Model):
    __tablename__ = "review_bids"
    __table_args__ = (
        UniqueConstraint("application_id", "reviewer_id", name="uq_review_bids_application_reviewer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(12))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AssignmentProposal(db.Model):
    """An automatic assignment waiting for the officer: previewed, edited by hand, then confirmed."""

    __tablename__ = "assignment_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(12), default=ProposalState.PENDING, index=True)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Shortfalls, the optimality proof and timings, as computed when the proposal was made.
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    call = relationship("Call")
    created_by = relationship("User")
    pairs: Mapped[list[ProposedPair]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposedPair.id"
    )


class ProposedPair(db.Model):
    __tablename__ = "proposed_pairs"
    __table_args__ = (
        UniqueConstraint("proposal_id", "application_id", "reviewer_id", name="uq_proposed_pairs_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("assignment_proposals.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    affinity: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    manual: Mapped[bool] = mapped_column(default=False)

    proposal: Mapped[AssignmentProposal] = relationship(back_populates="pairs")
    application = relationship("Application")
    reviewer = relationship("User")


class ReviewAssignment(db.Model):
    """An invitation to review one application, and its answer."""

    __tablename__ = "review_assignments"
    __table_args__ = (
        UniqueConstraint("application_id", "reviewer_id", name="uq_review_assignments_application_reviewer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=AssignmentState.INVITED, index=True)
    affinity: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Who would best take this place after a decline, worked out when the reviewer declined.
    suggested_reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    call = relationship("Call")
    application = relationship("Application", backref=backref("review_assignments", lazy="select"))
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    suggested_reviewer = relationship("User", foreign_keys=[suggested_reviewer_id])
    review: Mapped[Review | None] = relationship(back_populates="assignment", uselist=False)

    @property
    def state_label(self) -> str:
        return AssignmentState(self.state).label

    @property
    def cancel_reason_text(self) -> str | None:
        """Why the reviewer was taken off, as a page shows it."""
        return system_reason_text(self.cancel_reason)

    @property
    def has_submitted_review(self) -> bool:
        return self.review is not None and self.review.is_submitted


class Review(db.Model):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("review_assignments.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(String(12), default=ReviewState.DRAFT, index=True)
    recommendation: Mapped[str | None] = mapped_column(String(24))
    comments_for_applicant: Mapped[str] = mapped_column(Text, default="")
    comments_for_panel: Mapped[str] = mapped_column(Text, default="")
    no_conflict_declared: Mapped[bool] = mapped_column(default=False)
    # The weighted mean of the criterion scores, on the call's scale, set at submission.
    overall_score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unlock_reason: Mapped[str | None] = mapped_column(Text)

    assignment: Mapped[ReviewAssignment] = relationship(back_populates="review")
    scores: Mapped[list[CriterionScore]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def is_submitted(self) -> bool:
        return self.state == ReviewState.SUBMITTED

    @property
    def state_label(self) -> str:
        return ReviewState(self.state).label

    @property
    def recommendation_label(self) -> str:
        """The recommendation in the reader's language; empty when none is chosen yet."""
        return Recommendation(self.recommendation).label if self.recommendation else ""

    def score_for(self, criterion_id: int) -> int | None:
        return next((s.score for s in self.scores if s.criterion_id == criterion_id), None)


class CriterionScore(db.Model):
    __tablename__ = "review_scores"
    __table_args__ = (
        UniqueConstraint("review_id", "criterion_id", name="uq_review_scores_review_criterion"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("rubric_criteria.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int]
