"""The officer dashboards of one call and of one programme, assembled from the figure queries.

A dashboard issues the same number of queries for ten applications as for ten thousand: every
figure is a grouped query, and nothing is loaded row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import func, select

from grants.accounts.reference import country_name
from grants.applications.models import Application
from grants.applications.states import ApplicationState
from grants.calls.models import Call, Programme
from grants.extensions import db
from grants.insights.charts import BarChart, bar_chart, share
from grants.insights.services.applications import (
    DECIDED_STATES,
    RECEIVED_STATES,
    ApplicationFigures,
    application_figures,
)
from grants.insights.services.decisions import DecisionTiming, decision_timings
from grants.insights.services.money import FunderMoney, money_by_funder
from grants.insights.services.reviews import ReviewProgress, review_progress
from grants.insights.services.scope import FigureScope
from grants.insights.services.timeline import DayBucket, SubmissionTimeline, submission_timeline


@dataclass(frozen=True)
class Dashboard:
    """What the call and programme dashboards share."""

    figures: ApplicationFigures
    reviews: ReviewProgress
    money: list[FunderMoney]
    timings: list[DecisionTiming]

    def timing_for(self, call_id: int) -> DecisionTiming | None:
        return next((timing for timing in self.timings if timing.call_id == call_id), None)

    @property
    def success_rate(self) -> float | None:
        """Awarded as a share of the applications decided (withdrawn and undecided ones aside)."""
        return share(self.figures.awarded, self.figures.decided)

    @property
    def status_chart(self) -> BarChart:
        counts = self.figures.by_status
        return bar_chart(_("Applications by status"), [(s.label, counts[s]) for s in ApplicationState])

    @property
    def area_chart(self) -> BarChart:
        return bar_chart(_("Received applications by priority area"), self.figures.by_area)

    @property
    def country_chart(self) -> BarChart:
        return bar_chart(
            _("Received applications by team country"),
            [(country_name(code), count) for code, count in self.figures.by_country],
        )

    @property
    def institution_chart(self) -> BarChart:
        return bar_chart(
            _("Institutions taking part most often"),
            [
                (
                    _(
                        "%(institution)s (%(country)s)",
                        institution=place.name,
                        country=country_name(place.country),
                    ),
                    place.applications,
                )
                for place in self.figures.top_institutions
            ],
        )

    @property
    def review_funnel(self) -> BarChart:
        progress = self.reviews
        return bar_chart(
            _("Review progress"),
            [
                (_("Invited"), progress.invited),
                (_("Accepted"), progress.accepted),
                (_("Submitted"), progress.submitted),
            ],
        )

    def money_chart(self, money: FunderMoney) -> BarChart:
        """One funder's requested, envelope and awarded, on one scale in its own currency."""
        envelope = _("Envelope")
        values = [
            (_("Requested"), money.requested_minor),
            (envelope, money.envelope_minor),
            (pgettext("money", "Awarded"), money.awarded_minor),
        ]
        return bar_chart(
            f"{money.funder} ({money.currency})",
            values,
            texts=[money.text(minor) for _, minor in values],
            highlight=(envelope,),
        )


@dataclass(frozen=True)
class CallDashboard(Dashboard):
    call: Call
    timeline: SubmissionTimeline

    @property
    def timing(self) -> DecisionTiming | None:
        return self.timing_for(self.call.id)

    @property
    def timeline_chart(self) -> BarChart:
        return bar_chart(
            _("Submissions per day before the deadline"),
            [(bucket.label, bucket.submissions) for bucket in self.timeline.buckets],
            short_labels=[bucket.short_label for bucket in self.timeline.buckets],
            highlight=(DayBucket(0, 0).label,),
        )

    @property
    def last_day_share(self) -> float | None:
        return share(self.timeline.last_day, self.timeline.total)


@dataclass(frozen=True)
class CallRow:
    call: Call
    received: int
    awarded: int
    decided: int

    @property
    def success_rate(self) -> float | None:
        return share(self.awarded, self.decided)


@dataclass(frozen=True)
class ProgrammeDashboard(Dashboard):
    programme: Programme
    calls: list[CallRow]


def _shared_figures(
    scope: FigureScope, now: datetime, area_order: list[str]
) -> tuple[ApplicationFigures, ReviewProgress, list[FunderMoney], list[DecisionTiming]]:
    """The figures both dashboards show, in the order ``Dashboard`` declares them."""
    return (
        application_figures(scope, area_order),
        review_progress(scope, now),
        money_by_funder(scope),
        decision_timings(scope),
    )


def call_dashboard(call: Call, now: datetime) -> CallDashboard:
    scope = FigureScope(call_id=call.id)
    return CallDashboard(
        *_shared_figures(scope, now, call.area_names), call=call, timeline=submission_timeline(call)
    )


def programme_dashboard(programme: Programme, now: datetime) -> ProgrammeDashboard:
    scope = FigureScope(programme_id=programme.id)
    calls = list(
        db.session.scalars(
            select(Call).where(Call.programme_id == programme.id).order_by(Call.opens_at.desc())
        )
    )
    return ProgrammeDashboard(*_shared_figures(scope, now, []), programme=programme, calls=_call_rows(calls))


def _call_rows(calls: list[Call]) -> list[CallRow]:
    counts: dict[int, dict[str, int]] = {call.id: {} for call in calls}
    rows = db.session.execute(
        select(Application.call_id, Application.state, func.count())
        .where(Application.call_id.in_(list(counts)))
        .group_by(Application.call_id, Application.state)
    ).all()
    for call_id, state, count in rows:
        counts[call_id][state] = count
    return [
        CallRow(
            call=call,
            received=sum(counts[call.id].get(s, 0) for s in RECEIVED_STATES),
            awarded=counts[call.id].get(ApplicationState.AWARDED, 0),
            decided=sum(counts[call.id].get(s, 0) for s in DECIDED_STATES),
        )
        for call in calls
    ]
