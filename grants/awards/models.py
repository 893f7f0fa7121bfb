"""Decisions with their proposed amounts, and awards with what hangs off them: funding per funder,
budget per category, agreement acceptances, milestones, reports and payments.

Every amount is integer minor units with its currency (see ``grants.money``).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from grants.applications.models import StoredPdf
from grants.awards.states import (
    LATE_REPORT_STATES,
    AwardState,
    DecisionState,
    Outcome,
    PaymentState,
    ReportState,
)
from grants.extensions import db
from grants.timeutil import UTCDateTime, utcnow


class Decision(db.Model):
    """An officer's decision on one application: drafted, then released with the rest of the call.
    The rationale is the panel's record; applicants never see it."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(12))
    rationale: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default=DecisionState.DRAFT, index=True)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application = relationship(
        "Application", backref=backref("decision", uselist=False, passive_deletes=True), lazy="joined"
    )
    drafted_by = relationship("User", foreign_keys=[drafted_by_id])
    amounts: Mapped[list[DecisionAmount]] = relationship(
        cascade="all, delete-orphan", order_by="DecisionAmount.call_funder_id", lazy="selectin"
    )

    @property
    def is_released(self) -> bool:
        return self.state == DecisionState.RELEASED

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).local_label

    def amount_for(self, call_funder_id: int) -> int:
        return sum(a.amount_minor for a in self.amounts if a.call_funder_id == call_funder_id)


class DecisionAmount(db.Model):
    """What an award decision proposes to give from one funder's envelope."""

    __tablename__ = "decision_amounts"
    __table_args__ = (
        UniqueConstraint(
            "decision_id", "call_funder_id", name="uq_decision_amounts_decision_id_call_funder_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    call_funder_id: Mapped[int] = mapped_column(ForeignKey("call_funders.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class Award(db.Model):
    """A funded project. It starts as an offer and becomes active once every lead investigator has
    accepted the agreement; ``terms`` is the programme's IP provisions as they were offered."""

    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(12), default=AwardState.OFFERED, index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    original_end_date: Mapped[date]
    terms: Mapped[str] = mapped_column(Text)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offer_expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closing_reason: Mapped[str | None] = mapped_column(Text)

    application = relationship("Application", backref=backref("award", uselist=False), lazy="joined")
    call = relationship("Call", lazy="joined")
    fundings: Mapped[list[AwardFunding]] = relationship(
        cascade="all, delete-orphan", order_by="AwardFunding.call_funder_id", lazy="selectin"
    )
    budget: Mapped[list[AwardBudgetLine]] = relationship(
        cascade="all, delete-orphan", order_by="(AwardBudgetLine.call_funder_id, AwardBudgetLine.category)"
    )
    acceptances: Mapped[list[AgreementAcceptance]] = relationship(
        cascade="all, delete-orphan", order_by="AgreementAcceptance.accepted_at"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="(Milestone.due_date, Milestone.id)"
    )
    reports: Mapped[list[Report]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="(Report.due_date, Report.id)"
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="award",
        cascade="all, delete-orphan",
        order_by="(Payment.call_funder_id, Payment.sequence)",
    )

    @property
    def state_label(self) -> str:
        return AwardState(self.state).local_label


class AwardFunding(db.Model):
    """The award's amount from one funder; the payments to come add up to it exactly."""

    __tablename__ = "award_fundings"
    __table_args__ = (
        UniqueConstraint("award_id", "call_funder_id", name="uq_award_fundings_award_id_call_funder_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    call_funder_id: Mapped[int] = mapped_column(ForeignKey("call_funders.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)

    call_funder = relationship("CallFunder", lazy="joined")


class AwardBudgetLine(db.Model):
    """The award's budget for one funder and cost category; transfers move money between these."""

    __tablename__ = "award_budget_lines"
    __table_args__ = (
        UniqueConstraint(
            "award_id",
            "call_funder_id",
            "category",
            name="uq_award_budget_lines_award_id_call_funder_id_category",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    call_funder_id: Mapped[int] = mapped_column(ForeignKey("call_funders.id"))
    category: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)

    call_funder = relationship("CallFunder", lazy="joined")


class AgreementAcceptance(db.Model):
    """One lead investigator's acceptance of the award agreement, with a fingerprint of the terms."""

    __tablename__ = "agreement_acceptances"
    __table_args__ = (
        UniqueConstraint("award_id", "user_id", name="uq_agreement_acceptances_award_id_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    terms_sha256: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", lazy="joined")


class Milestone(db.Model):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date]
    achieved_on: Mapped[date | None]
    achievement_note: Mapped[str] = mapped_column(Text, default="")

    award: Mapped[Award] = relationship(back_populates="milestones")


class Report(db.Model):
    """A progress or final report the award holders owe by ``due_date``, for the period that ends
    on ``period_end``."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("award_id", "kind", "sequence", name="uq_reports_award_id_kind_sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    sequence: Mapped[int] = mapped_column(default=1)
    period_end: Mapped[date]
    due_date: Mapped[date] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(20), default=ReportState.DUE, index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    outcomes: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    review_note: Mapped[str] = mapped_column(Text, default="")

    award: Mapped[Award] = relationship(back_populates="reports")
    files: Mapped[list[ReportFile]] = relationship(cascade="all, delete-orphan", order_by="ReportFile.id")

    @property
    def title(self) -> str:
        """The report's name in the reader's language."""
        return local_report_title(self.kind, self.sequence)

    @property
    def record_title(self) -> str:
        """The report's name in English, for audit records."""
        return report_title(self.kind, self.sequence)

    @property
    def state_label(self) -> str:
        return ReportState(self.state).local_label

    @property
    def is_editable(self) -> bool:
        return self.state in (ReportState.DUE, ReportState.CHANGES_REQUESTED)

    def is_overdue(self, today: date) -> bool:
        """The team is late: the due date has passed and the report is not in (or was sent back)."""
        return self.due_date < today and self.state in LATE_REPORT_STATES

    def holds_payments(self, today: date) -> bool:
        """Due date passed and not yet accepted: payments wait, even for a report that came in on
        time and is waiting for the officer."""
        return self.due_date < today and self.state not in (ReportState.ACCEPTED, ReportState.CANCELLED)


def report_title(kind: str, sequence: int) -> str:
    return "Final report" if kind == "final" else f"Progress report {sequence}"


def local_report_title(kind: str, sequence: int) -> str:
    """``report_title`` in the reader's language (the emails use the same words)."""
    return _("Final report") if kind == "final" else _("Progress report %(number)s", number=sequence)


class ReportFile(StoredPdf, db.Model):
    """A PDF attached to a report; stored under a random name like application attachments."""

    __tablename__ = "report_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)

    report: Mapped[Report] = relationship(back_populates="files")


class Payment(db.Model):
    """One instalment from one funder. Released by an officer with the date and the bank's reference."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint(
            "award_id", "call_funder_id", "sequence", name="uq_payments_award_id_call_funder_id_sequence"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    call_funder_id: Mapped[int] = mapped_column(ForeignKey("call_funders.id"))
    sequence: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(12), default=PaymentState.SCHEDULED, index=True)
    paid_on: Mapped[date | None]
    payment_reference: Mapped[str | None] = mapped_column(String(80))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    award: Mapped[Award] = relationship(back_populates="payments")
    call_funder = relationship("CallFunder", lazy="joined")

    @property
    def state_label(self) -> str:
        return PaymentState(self.state).local_label
