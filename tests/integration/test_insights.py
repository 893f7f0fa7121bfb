"""Officers' dashboards and the portfolio, built from applications, reviews and awards made through
the real services: who may see them, what they count, empty states and bad filters."""

import re

import pytest
from sqlalchemy import select

from grants.applications.models import Application, TeamMember
from grants.awards.models import Award
from grants.awards.services.decisions import release_decisions
from grants.insights.services.dashboards import call_dashboard, programme_dashboard
from grants.insights.services.portfolio import portfolio
from grants.insights.services.scope import PortfolioScope
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
    assert numbers_in(html, "chart-timeline")["Last 24 hours"] in {"0", "2"}
    assert 'role="img"' in html and "<script" not in html.split("</head>")[1]


def test_a_call_without_applications_shows_empty_states(client, factory, officer_signed_in):
    call = factory.call()
    response = client.get(f"/manage/calls/{call.id}/dashboard")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No applications yet." in html
    assert "No reviewers invited yet." in html
    assert "—" in html  # no success rate without decisions


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

    figures = portfolio(PortfolioScope(), utcnow().date())
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
        ("year=abc", "The year must be between"),
        ("year=20000", "The year must be between"),
        ("programme=999999", "There is no such programme"),
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


def test_unknown_calls_and_programmes_are_not_found(client, officer_signed_in):
    assert client.get("/manage/calls/999999/dashboard").status_code == 404
    assert client.get("/manage/programmes/999999/dashboard").status_code == 404
