"""The dashboards and exports at scale: a seeded call with thousands of applications gives the same
totals as direct SQL, and the number of queries a dashboard issues does not grow with the call's size."""

import csv
import io
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from grants.applications.states import ApplicationState
from grants.calls.models import Call
from grants.demo.large_call import seed_large_call
from grants.extensions import db
from grants.insights.services.dashboards import call_dashboard
from grants.timeutil import utcnow
from tests.query_counter import counting_queries

RECEIVED = ("submitted", "under_review", "awarded", "rejected", "waitlisted")


def sql(statement: str, **params):
    return db.session.execute(text(statement), params).all()


def _signed_in_officer(factory, sign_in):
    officer = factory.officer()
    sign_in(officer)
    return officer


def test_the_dashboard_and_exports_give_the_same_totals_as_direct_sql(client, factory, sign_in):
    """Over a seeded call of 2,000 applications and 6,000 reviews."""
    large = seed_large_call(2000)
    db.session.commit()
    call = db.session.get(Call, large.call_id)
    dashboard = call_dashboard(call, utcnow())
    figures = dashboard.figures

    by_state = dict(
        sql("SELECT state, count(*) FROM applications WHERE call_id = :c GROUP BY state", c=call.id)
    )
    assert figures.total == sum(by_state.values()) == 2000
    assert {s: n for s, n in figures.by_status.items() if n} == by_state
    assert figures.received == sum(by_state.get(s, 0) for s in RECEIVED)
    decided = sum(by_state.get(s, 0) for s in ("awarded", "rejected", "waitlisted"))
    assert dashboard.success_rate == round(100 * by_state["awarded"] / decided, 1)

    areas = dict(
        sql(
            "SELECT priority_area, count(*) FROM applications WHERE call_id = :c "
            "AND state IN ('submitted', 'under_review', 'awarded', 'rejected', 'waitlisted') "
            "GROUP BY priority_area",
            c=call.id,
        )
    )
    assert {area: n for area, n in figures.by_area if n} == areas

    countries = dict(
        sql(
            "SELECT m.country, count(DISTINCT m.application_id) FROM team_members m "
            "JOIN applications a ON a.id = m.application_id "
            "WHERE a.call_id = :c AND m.accepted_at IS NOT NULL "
            "AND a.state IN ('submitted', 'under_review', 'awarded', 'rejected', 'waitlisted') "
            "GROUP BY m.country",
            c=call.id,
        )
    )
    assert dict(figures.by_country) == countries

    [(invited, submitted)] = sql(
        "SELECT count(*), sum(CASE WHEN r.state = 'submitted' AND ra.state = 'accepted' THEN 1 ELSE 0 END) "
        "FROM review_assignments ra LEFT JOIN reviews r ON r.assignment_id = ra.id WHERE ra.call_id = :c",
        c=call.id,
    )
    assert (dashboard.reviews.invited, dashboard.reviews.submitted) == (invited, submitted)
    [(reviews,)] = sql(
        "SELECT count(*) FROM reviews r JOIN review_assignments ra ON ra.id = r.assignment_id "
        "WHERE ra.call_id = :c",
        c=call.id,
    )
    assert reviews == large.reviews == 6000

    requested = dict(
        sql(
            "SELECT b.call_funder_id, sum(b.amount_minor) FROM budget_lines b "
            "JOIN applications a ON a.id = b.application_id "
            "WHERE a.call_id = :c "
            "AND a.state IN ('submitted', 'under_review', 'awarded', 'rejected', 'waitlisted') "
            "GROUP BY b.call_funder_id",
            c=call.id,
        )
    )
    awarded = dict(
        sql(
            "SELECT p.call_funder_id, sum(p.amount_minor) FROM payments p "
            "JOIN awards w ON w.id = p.award_id WHERE w.call_id = :c "
            "AND p.state IN ('scheduled', 'released') GROUP BY p.call_funder_id",
            c=call.id,
        )
    )
    assert [(m.requested_minor, m.awarded_minor, m.envelope_minor) for m in dashboard.money] == [
        (requested[cf.id], awarded[cf.id], cf.envelope_minor) for cf in call.funders
    ]

    submitted_times = [
        row[0]
        for row in sql(
            "SELECT submitted_at FROM applications WHERE call_id = :c "
            "AND state IN ('submitted', 'under_review', 'awarded', 'rejected', 'waitlisted')",
            c=call.id,
        )
    ]
    closes = call.closes_at.replace(tzinfo=None)
    days_before = Counter(
        max(-1, min((closes - _naive(moment)) // timedelta(days=1), 14)) for moment in submitted_times
    )
    assert {b.days_before: b.submissions for b in dashboard.timeline.buckets if b.submissions} == dict(
        days_before
    )
    day_before = next(b.submissions for b in dashboard.timeline.buckets if b.days_before == 1)
    assert dashboard.timeline.last_day > day_before  # the rush shows

    _signed_in_officer(factory, sign_in)
    page = client.get(f"/manage/calls/{call.id}/dashboard").get_data(as_text=True)
    assert f"{figures.total:,}" in page and f"{submitted:,}" in page
    assert f"{dashboard.timeline.last_day:,} of {dashboard.timeline.total:,}" in page

    _exports_agree_with_sql(client, call)


def _naive(moment):
    """SQLite hands timestamps back as text, PostgreSQL as aware datetimes; compare in naive UTC."""
    if isinstance(moment, str):
        return datetime.fromisoformat(moment).replace(tzinfo=None)
    return moment.replace(tzinfo=None) - (moment.utcoffset() or timedelta(0))


PAGES = (
    "/manage/calls/{call}/dashboard",
    "/manage/programmes/{programme}/dashboard",
    "/manage/insights?programme={programme}",
    "/manage/insights?programme={programme}&year={year}",
)


def test_the_number_of_queries_does_not_grow_with_the_call(client, factory, sign_in):
    """Each page for a call (or its programme) of 100 applications and of 1,000."""
    small = seed_large_call(100, seed=1)
    big = seed_large_call(1000, seed=2)
    db.session.commit()
    _signed_in_officer(factory, sign_in)
    for page in PAGES:
        counts = []
        for large in (small, big):
            target = page.format(call=large.call_id, programme=large.programme_id, year=utcnow().year)
            client.get(target)  # warm: the signed-in session's first touch writes
            with counting_queries() as statements:
                response = client.get(target)
            assert response.status_code == 200, target
            counts.append(len(statements))
        assert counts[0] == counts[1], (page, counts)


def _exports_agree_with_sql(client, call: Call) -> None:
    applications = _csv(client, f"/manage/calls/{call.id}/export/applications.csv")
    [(total,)] = sql("SELECT count(*) FROM applications WHERE call_id = :c", c=call.id)
    assert len(applications) == total
    received_labels = {ApplicationState(s).label for s in RECEIVED}
    for funder in call.funders:
        column = f"Requested from {funder.funder.short_name} ({funder.currency})"
        exported = sum(Decimal(row[column]) for row in applications if row["Status"] in received_labels)
        [(minor,)] = sql(
            "SELECT sum(b.amount_minor) FROM budget_lines b JOIN applications a ON a.id = b.application_id "
            "WHERE a.call_id = :c AND b.call_funder_id = :f "
            "AND a.state IN ('submitted', 'under_review', 'awarded', 'rejected', 'waitlisted')",
            c=call.id,
            f=funder.id,
        )
        assert exported == Decimal(minor) / 100

    reviews = _csv(client, f"/manage/calls/{call.id}/export/reviews.csv")
    [(places, submitted, mean)] = sql(
        "SELECT count(*), sum(CASE WHEN r.state = 'submitted' THEN 1 ELSE 0 END), "
        "avg(CASE WHEN r.state = 'submitted' THEN r.overall_score END) "
        "FROM review_assignments ra LEFT JOIN reviews r ON r.assignment_id = ra.id "
        "WHERE ra.call_id = :c AND ra.state NOT IN ('declined', 'cancelled')",
        c=call.id,
    )
    assert len(reviews) == places
    scored = [float(row["Overall score"]) for row in reviews if row["Review status"] == "Submitted"]
    assert len(scored) == submitted
    assert sum(scored) / len(scored) == pytest.approx(mean, abs=1e-6)

    awards = _csv(client, f"/manage/calls/{call.id}/export/awards.csv")
    paid = sql(
        "SELECT p.currency, sum(p.amount_minor) FROM payments p JOIN awards w ON w.id = p.award_id "
        "WHERE w.call_id = :c AND p.state = 'released' GROUP BY p.currency",
        c=call.id,
    )
    for currency, minor in paid:
        assert (
            sum(Decimal(row["Paid"]) for row in awards if row["Currency"] == currency) == Decimal(minor) / 100
        )


def _csv(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
