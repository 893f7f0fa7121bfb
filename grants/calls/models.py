"""Programmes, funders, calls and what a call is made of: envelopes, priority areas, rubric, questions."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.calls.questions import QuestionKind
from grants.calls.states import CallState
from grants.extensions import db
from grants.timeutil import UTCDateTime, utcnow


class Programme(db.Model):
    """A funding programme such as the Flagship Challenge Programme; it runs calls."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Short code that starts every application reference: "FCP" in FCP-2018-0042.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # The intellectual-property provisions every award agreement of the programme names (Markdown).
    ip_terms: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    calls: Mapped[list[Call]] = relationship(back_populates="programme", order_by="Call.opens_at.desc()")


class Funder(db.Model):
    """An organisation that puts money into calls, in its own currency."""

    __tablename__ = "funders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3))


class Call(db.Model):
    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # Application references are "<prefix>-0042"; the prefix is usually programme code and year.
    reference_prefix: Mapped[str] = mapped_column(String(24), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")  # Markdown
    guidance: Mapped[str] = mapped_column(Text, default="")  # Markdown
    state: Mapped[str] = mapped_column(String(12), default=CallState.DRAFT, index=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    min_duration_months: Mapped[int] = mapped_column(default=12)
    max_duration_months: Mapped[int] = mapped_column(default=36)
    reviews_required: Mapped[int] = mapped_column(default=3)
    review_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requires_lead_per_country: Mapped[bool] = mapped_column(default=False)
    # Reviewers see proposals without the team's names, institutions or contact details.
    double_blind: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Reviewers say which submitted proposals they would like to review before assignment.
    invites_bids: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Numbers handed out to submitted applications; read and bumped under a row lock.
    last_application_number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    programme: Mapped[Programme] = relationship(back_populates="calls", lazy="joined")
    funders: Mapped[list[CallFunder]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallFunder.id", lazy="selectin"
    )
    priority_areas: Mapped[list[CallPriorityArea]] = relationship(
        cascade="all, delete-orphan", order_by="CallPriorityArea.position", lazy="selectin"
    )
    criteria: Mapped[list[RubricCriterion]] = relationship(
        cascade="all, delete-orphan", order_by="RubricCriterion.position"
    )
    question_sets: Mapped[list[QuestionSet]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="QuestionSet.version"
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def state_label(self) -> str:
        """The state as a tag shows it, in the reader's language: "Open"."""
        return CallState(self.state).label

    @property
    def state_word(self) -> str:
        """The state inside a sentence, in the reader's language: "This call is open"."""
        return CallState(self.state).word

    @property
    def countries(self) -> list[str]:
        """The countries of the participating funders, in the order the funders were added."""
        return list(dict.fromkeys(entry.funder.country for entry in self.funders))

    @property
    def area_names(self) -> list[str]:
        return [area.name for area in self.priority_areas]

    def accepts_submissions(self, now: datetime) -> bool:
        """Open and inside its window, by the clock: what every write checks."""
        return self.state == CallState.OPEN and self.opens_at <= now < self.closes_at

    def __repr__(self) -> str:
        return f"<Call {self.reference_prefix}>"


class CallFunder(db.Model):
    """A funder's part in one call: its budget envelope and the most one application may ask of it."""

    __tablename__ = "call_funders"
    __table_args__ = (UniqueConstraint("call_id", "funder_id", name="uq_call_funders_call_id_funder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id"))
    currency: Mapped[str] = mapped_column(String(3))
    envelope_minor: Mapped[int] = mapped_column(BigInteger)
    max_request_minor: Mapped[int] = mapped_column(BigInteger)

    call: Mapped[Call] = relationship(back_populates="funders")
    funder: Mapped[Funder] = relationship(lazy="joined")


class CallPriorityArea(db.Model):
    __tablename__ = "call_priority_areas"
    __table_args__ = (UniqueConstraint("call_id", "name", name="uq_call_priority_areas_call_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)


class RubricCriterion(db.Model):
    """One scored criterion: reviewers give a whole number from ``scale_min`` to ``scale_max``;
    ``weight`` is its relative share of the overall score."""

    __tablename__ = "rubric_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(120))
    guidance: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(default=1)
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)


class QuestionSet(db.Model):
    """One version of a call's own questions. A version is never edited once an application has
    answered it: changing the questions makes a new version, so old answers keep their questions."""

    __tablename__ = "question_sets"
    __table_args__ = (UniqueConstraint("call_id", "version", name="uq_question_sets_call_id_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    call: Mapped[Call] = relationship(back_populates="question_sets")
    questions: Mapped[list[Question]] = relationship(
        back_populates="question_set",
        cascade="all, delete-orphan",
        order_by="Question.position",
        lazy="selectin",
    )


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_set_id: Mapped[int] = mapped_column(
        ForeignKey("question_sets.id", ondelete="CASCADE"), index=True
    )
    # Stable across versions: a draft moved to a newer version keeps answers with the same key.
    key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    help_text: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=True)
    word_limit: Mapped[int | None]
    max_length: Mapped[int | None]
    min_value: Mapped[int | None]
    max_value: Mapped[int | None]
    options: Mapped[list[Any]] = mapped_column(JSON, default=list)

    question_set: Mapped[QuestionSet] = relationship(back_populates="questions")

    @property
    def kind_word(self) -> str:
        """The kind of answer inside a sentence, in the reader's language: "long text"."""
        return QuestionKind(self.kind).word
