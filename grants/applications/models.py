"""A proposal to a call and its parts: team, budget lines, attachments, answers, confirmations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from grants.applications.states import ApplicationState
from grants.extensions import db
from grants.timeutil import UTCDateTime, utcnow


class MemberRole(StrEnum):
    LEAD = "lead"
    CO_INVESTIGATOR = "co_investigator"


class BudgetCategory(StrEnum):
    STAFF = "staff"
    EQUIPMENT = "equipment"
    TRAVEL = "travel"
    CONSUMABLES = "consumables"
    OTHER = "other"


class AttachmentKind(StrEnum):
    CASE_FOR_SUPPORT = "case_for_support"
    CV = "cv"
    LETTER_OF_SUPPORT = "letter_of_support"
    ANSWER = "answer"  # the file answering a call's own file question

    @property
    def label(self) -> str:
        """What the document is, in the reader's language: "Case for support"."""
        return str(ATTACHMENT_KIND_LABELS[self])


ATTACHMENT_KIND_LABELS = {
    AttachmentKind.CASE_FOR_SUPPORT: _l("Case for support"),
    AttachmentKind.CV: _l("CV"),
    AttachmentKind.LETTER_OF_SUPPORT: _l("Letter of support"),
    AttachmentKind.ANSWER: _l("Answer to a question"),
}


class DeclarationKind(StrEnum):
    INTELLECTUAL_PROPERTY = "intellectual_property"
    ETHICS = "ethics"
    DATA_PROTECTION = "data_protection"


class Application(db.Model):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    question_set_id: Mapped[int | None] = mapped_column(ForeignKey("question_sets.id"))
    lead_applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=ApplicationState.DRAFT, index=True)
    # Given at the first submission and kept for life: FCP-2018-0042.
    reference: Mapped[str | None] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(250))
    abstract: Mapped[str] = mapped_column(Text, default="")
    priority_area: Mapped[str | None] = mapped_column(String(120))
    keywords: Mapped[str] = mapped_column(String(500), default="")
    start_date: Mapped[date | None]
    duration_months: Mapped[int | None]
    # Bumped by every save of the details (and, separately, of the answers to the call's questions);
    # a save names the version it started from, and a save from an older version is refused
    # instead of overwriting someone else's words. Two versions, so that editing one part while a
    # colleague edits the other is no conflict.
    details_version: Mapped[int] = mapped_column(default=1)
    answers_version: Mapped[int] = mapped_column(default=1)
    content_updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submission_count: Mapped[int] = mapped_column(default=0)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    call = relationship("Call", lazy="joined")
    question_set = relationship("QuestionSet")
    lead_applicant = relationship("User", foreign_keys=[lead_applicant_id])
    content_updated_by = relationship("User", foreign_keys=[content_updated_by_id])
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="TeamMember.id"
    )
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="(BudgetLine.call_funder_id, BudgetLine.year, BudgetLine.id)",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan")
    confirmations: Mapped[list[SideConfirmation]] = relationship(cascade="all, delete-orphan")
    declarations: Mapped[list[Declaration]] = relationship(cascade="all, delete-orphan")

    @property
    def is_editable(self) -> bool:
        return self.state == ApplicationState.DRAFT

    @property
    def state_label(self) -> str:
        return ApplicationState(self.state).label

    @property
    def record_reference(self) -> str:
        """The reference, or "Draft 12": in English, for what is stored (audit, outbox)."""
        return self.reference or f"Draft {self.id}"

    @property
    def display_reference(self) -> str:
        """The reference, or "Draft 12" (in the reader's language) before the first submission."""
        return self.reference or _("Draft %(number)s", number=self.id)


class TeamMember(db.Model):
    """A person on the team: invited by email, joined once they accept the link."""

    __tablename__ = "team_members"
    __table_args__ = (
        UniqueConstraint("application_id", "email", name="uq_team_members_application_id_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Indexed: each person's applications page looks up invitations sent to their address.
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=MemberRole.CO_INVESTIGATOR)
    country: Mapped[str] = mapped_column(String(2))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    invitation_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id])
    institution = relationship("Institution", lazy="joined")

    @property
    def has_joined(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_lead(self) -> bool:
        return self.role == MemberRole.LEAD


class BudgetLine(db.Model):
    """One cost, in integer minor units of the funder's currency (pence, fen)."""

    __tablename__ = "budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    call_funder_id: Mapped[int] = mapped_column(ForeignKey("call_funders.id"))
    year: Mapped[int]
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(200))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))

    application: Mapped[Application] = relationship(back_populates="budget_lines")
    call_funder = relationship("CallFunder", lazy="joined")


class StoredPdf:
    """The columns of an uploaded PDF. ``stored_name`` is random; the original name is shown,
    never used as a path. Application attachments and report files share them."""

    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AttachmentPlace:
    """Where an application's file belongs: which application, what kind of document, and for
    whom (a member's CV) or which question. Live attachments and removed ones share it."""

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    team_member_id: Mapped[int | None] = mapped_column(ForeignKey("team_members.id", ondelete="CASCADE"))
    question_key: Mapped[str | None] = mapped_column(String(32))

    @declared_attr
    def team_member(cls):
        return relationship("TeamMember")

    @property
    def kind_label(self) -> str:
        return AttachmentKind(self.kind).label


class Attachment(AttachmentPlace, StoredPdf, db.Model):
    """A PDF attached to an application: the case for support, a CV, a letter, an answer."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)

    application: Mapped[Application] = relationship(back_populates="attachments")
    uploaded_by = relationship("User")


class Answer(db.Model):
    """An answer to one question of the question-set version the application uses."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("application_id", "question_id", name="uq_answers_application_id_question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    value: Mapped[Any] = mapped_column(JSON)

    question = relationship("Question", lazy="joined")


class SideConfirmation(db.Model):
    """A side's lead investigator confirming their side's team and budget.

    ``fingerprint`` digests what was confirmed; any later change to that side gives a different
    digest, so the confirmation lapses by itself and the lead is asked again.
    """

    __tablename__ = "side_confirmations"
    __table_args__ = (
        UniqueConstraint("application_id", "country", name="uq_side_confirmations_application_id_country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    fingerprint: Mapped[str] = mapped_column(String(64))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    confirmed_by = relationship("User")


class Declaration(db.Model):
    __tablename__ = "declarations"
    __table_args__ = (UniqueConstraint("application_id", "kind", name="uq_declarations_application_id_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    accepted_by = relationship("User")
