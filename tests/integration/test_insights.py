"""Officers' dashboards and the portfolio, built from applications, reviews and awards made through
the real services: who may see them, what they count, empty states and bad filters."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application, TeamMember
from grants.awards.models import Award
from grants.awards.services.changes import terminate_award
from grants.awards.services.decisions import release_decisions
from grants.insights.services.dashboards import call_dashboard, programme_dashboard
from grants.insights.services.money import money_by_funder
from grants.insights.services.portfolio import portfolio
from grants.insights.services.reviews import review_progress
from grants.insights.services.scope import FigureScope, PortfolioScope
from grants.insights.services.timeline import AFTER, EARLIER, submission_timeline
from grants.reviews.services import invitations
from grants.timeutil import utcnow


def numbers_in(html: str, table_id: str) -> dict[str, str]:
    """The row label → value pairs of one chart table on a page."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    rows = re.findall(r'<th scope="row">(.*?)</th>.*?<td class="num">(.*?)</td>', table, re.S)
    return dict(rows)


@pytest.fixture
def officer_signed_in(factory, sign_in):
    officer = factory.officer()
    sign_in(officer)
    return officer


def test_the_call_dashboard_counts_what_the_services_made(client, factory, officer_signed_in):
    call, (first, second), officer = factory.deciding_call(2)
    # A draft left unsubmitted when the call closed.
    factory.session.add(
        Application(call_id=call.id, lead_applicant_id=factory.researcher().id, title="Never sent")
    )
    factory.submitted_review(officer, first, for_applicant="Strong.", score=5)
    factory.decide(officer, first)
    factory.decide(officer, second, outcome="reject")
    release_decisions(officer, call, utcnow())
    factory.session.commit()

    dashboard = call_dashboard(call, utcnow())
    assert dashboard.figures.total == 3
    assert dashboard.figures.received == 2
    assert (dashboard.figures.awarded, dashboard.figures.decided) == (1, 2)
    assert dashboard.success_rate == 50.0
    assert (dashboard.reviews.invited, dashboard.reviews.accepted, dashboard.reviews.submitted) == (1, 1, 1)
    assert dict(dashboard.figures.by_country) == {"GB": 2, "CN": 2}
    assert dashboard.timing is not None and dashboard.timing.decisions == 2
    uk = dashboard.money[0]
    assert uk.awarded_minor == sum(f.amount_minor for f in first.award.fundings if f.currency == uk.currency)
    assert uk.requested_minor == sum(
        line.amount_minor
        for application in (first, second)
        for line in application.budget_lines
        if line.currency == uk.currency
    )

    html = client.get(f"/manage/calls/{call.id}/dashboard").get_data(as_text=True)
    assert numbers_in(html, "chart-status") == {
        "Draft": "1",
        "Submitted": "0",
        "Under review": "0",
        "Awarded": "1",
        "Not funded": "1",
        "Reserve list": "0",
        "Withdrawn": "0",
    }
    assert numbers_in(html, "chart-reviews") == {"Invited": "1", "Accepted": "1", "Submitted": "1"}
    assert "50.0%" in html
    assert numbers_in(html, "chart-timeline")["Last 24 hours"] == str(dashboard.timeline.last_day)
    assert dashboard.timeline.total == 2
    assert 'role="img"' in html and "<script" not in html.split("</head>")[1]


def test_a_call_without_applications_shows_empty_states(client, factory, officer_signed_in):
    call = factory.call()
    response = client.get(f"/manage/calls/{call.id}/dashboard")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No applications yet." in html
    assert "No reviewers invited yet." in html
    assert re.search(r"<dt>Success rate</dt><dd>—", html)  # no rate without decisions


def test_the_programme_dashboard_lists_its_calls_with_their_figures(client, factory, officer_signed_in):
    call, _submitted = factory.call_in_review(2)
    html = client.get(f"/manage/programmes/{call.programme_id}/dashboard").get_data(as_text=True)
    assert call.title in html
    assert f'href="/manage/calls/{call.id}/dashboard"' in html
    dashboard = programme_dashboard(call.programme, utcnow())
    assert [(row.call.id, row.received) for row in dashboard.calls] == [(call.id, 2)]


def test_the_portfolio_counts_collaborative_projects_by_year(client, factory, officer_signed_in):
    joint = factory.award()
    single = factory.award()
    # A team from one country is an award, but not a collaborative project.
    factory.session.execute(
        TeamMember.__table__.update()
        .where(TeamMember.application_id == single.application_id)
        .values(country="GB")
    )
    factory.session.commit()
    year = joint.start_date.year

    figures = portfolio(PortfolioScope(), utcnow())
    assert figures.by_state.get("active", 0) >= 2
    assert (
        figures.collaborative_total
        == len(factory.session.scalars(select(Award.id).where(Award.state != "withdrawn")).all()) - 1
    )
    html = client.get(f"/manage/insights?year={year}").get_data(as_text=True)
    assert f"awards starting in {year}" in html
    assert 'class="chart-highlight"' in html


def test_the_portfolio_filters_by_programme(client, factory, officer_signed_in):
    first = factory.award()
    second = factory.award()
    html = client.get(f"/manage/insights?programme={first.call.programme_id}").get_data(as_text=True)
    assert first.call.title in html and second.call.title not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "The year must be a whole number"),
        ("year=20000", "The year must be a whole number"),
        ("year=²", "The year must be a whole number"),
        ("programme=999999", "There is no such programme"),
        ("programme=²", "There is no such programme"),
        ("programme=99999999999999999999", "There is no such programme"),
    ],
)
def test_bad_portfolio_filters_are_explained_and_ignored(client, officer_signed_in, query, message):
    response = client.get(f"/manage/insights?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert "Collaborative projects supported" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    ["/manage/insights", "/manage/calls/{call}/dashboard", "/manage/programmes/{programme}/dashboard"],
)
@pytest.mark.parametrize("role", [None, "reviewer", "admin"])
def test_only_officers_see_insights(client, factory, sign_in, path, role):
    call = factory.call()
    url = path.format(call=call.id, programme=call.programme_id)
    if role is None:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
        return
    sign_in(factory.user(roles=(role,)))
    assert client.get(url).status_code == 403


def test_researchers_are_refused(client, factory, sign_in):
    call, (application,) = factory.call_in_review(1)
    sign_in(application.lead_applicant)
    assert client.get(f"/manage/calls/{call.id}/dashboard").status_code == 403


@pytest.mark.parametrize(
    "url", ["/manage/awards?call=²", "/manage/awards?funder=99999999999", "/calls?funder=²"]
)
def test_odd_numbers_in_filters_are_ignored_not_an_error(client, officer_signed_in, url):
    assert client.get(url).status_code == 200


def test_unknown_calls_and_programmes_are_not_found(client, officer_signed_in):
    assert client.get("/manage/calls/999999/dashboard").status_code == 404
    assert client.get("/manage/programmes/999999/dashboard").status_code == 404


def test_timeline_edges_and_resubmissions_after_the_deadline(factory):
    call, applications = factory.call_in_review(4)
    for application, before in zip(
        applications,
        (
            timedelta(days=1),
            timedelta(days=1) - timedelta(seconds=1),
            timedelta(days=14),
            -timedelta(hours=3),
        ),
        strict=True,
    ):
        application.submitted_at = call.closes_at - before
    factory.session.flush()

    buckets = {b.days_before: b.submissions for b in submission_timeline(call).buckets if b.submissions}

    # Exactly 24 hours before is the day before; a second later is the last day; exactly 14 days
    # before is earlier than the days shown; after the close is a bucket of its own.
    assert buckets == {1: 1, 0: 1, EARLIER: 1, AFTER: 1}
    assert submission_timeline(call).buckets[-1].label.startswith("After the deadline")


def test_late_reviews_are_accepted_ones_not_in_by_the_due_time(factory):
    call, (application, _other), officer = factory.deciding_call(2)
    factory.submitted_review(officer, application, for_applicant="Good.")
    waiting = factory.reviewer()
    invitations.accept_invitation(
        waiting, invitations.invite(officer, application, waiting, utcnow()), utcnow()
    )
    unanswered = factory.reviewer()
    invitations.invite(officer, application, unanswered, utcnow())
    factory.session.flush()

    call.review_due_at = utcnow() + timedelta(days=1)
    assert review_progress(FigureScope(call_id=call.id), utcnow()).late == 0
    call.review_due_at = utcnow() - timedelta(minutes=1)
    progress = review_progress(FigureScope(call_id=call.id), utcnow())
    assert (progress.invited, progress.accepted, progress.submitted, progress.late) == (3, 2, 1, 1)
    assert progress.awaiting_answer == 1


def test_a_programme_adds_up_its_calls_per_funder_and_currency(factory):
    officer = factory.officer()
    first, _ = factory.call_in_review(1, officer=officer)
    second = factory.call(officer=officer)
    second.programme_id = first.programme_id
    second.funders[0].funder_id = first.funders[0].funder_id
    factory.session.flush()

    money = {(m.funder, m.currency): m for m in money_by_funder(FigureScope(programme_id=first.programme_id))}

    uk = first.funders[0]
    assert money[(uk.funder.short_name, uk.currency)].envelope_minor == (
        uk.envelope_minor + second.funders[0].envelope_minor
    )
    assert len(money) == 3  # the shared UK funder, and each call's own Chinese funder


def test_money_awarded_follows_the_payments_that_stand(factory):
    award = factory.award()
    officer = factory.session.get(User, award.call.created_by_id)
    for payment in award.payments:  # instalments that fall after the early end below
        payment.due_on = award.start_date + timedelta(days=200)
    before = {m.currency: m.awarded_minor for m in call_dashboard(award.call, utcnow()).money}
    end = award.start_date + timedelta(days=10)
    terminate_award(officer, award, end, "The partner institution closed.", utcnow())
    factory.session.flush()

    after = {m.currency: m.awarded_minor for m in call_dashboard(award.call, utcnow()).money}
    committed = {t.currency: t.awarded_minor for t in portfolio(PortfolioScope(), utcnow()).money}
    assert after != before
    assert after == {currency: committed.get(currency, 0) for currency in after}


def test_overdue_reports_are_judged_in_the_calls_time_zone(factory):
    award = factory.award(time_zone="Asia/Shanghai")
    report = award.reports[0]
    shanghai_midnight = datetime.combine(
        report.due_date + timedelta(days=1), time.min, ZoneInfo("Asia/Shanghai")
    )
    factory.session.flush()

    # One hour after the due day ends in Shanghai it is still the due day in London and UTC.
    assert portfolio(PortfolioScope(), shanghai_midnight - timedelta(hours=1)).overdue_reports == 0
    assert portfolio(PortfolioScope(), shanghai_midnight + timedelta(hours=1)).overdue_reports == 1
