"""Officers' dashboards: the portfolio across programmes, one programme, one call."""

from flask import render_template, request
from flask_login import current_user

from grants.calls.services.listing import find_call
from grants.calls.services.programmes import find_programme, list_programmes
from grants.insights.exports import may_identify_reviewers
from grants.insights.services.dashboards import call_dashboard, programme_dashboard
from grants.insights.services.portfolio import portfolio
from grants.insights.services.scope import PortfolioScope
from grants.insights.views.blueprint import bp
from grants.security.policy import OFFICER, Loads, declare
from grants.timeutil import utcnow

LOAD_CALL = Loads("call_id", find_call, "call")
LOAD_PROGRAMME = Loads("programme_id", find_programme, "programme")
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100


def _portfolio_scope(programme_ids: set[int]) -> tuple[PortfolioScope, list[str]]:
    """The scope the query string asks for, and what was wrong with it (ignored, not fatal)."""
    problems = []
    programme_text = request.args.get("programme", "")
    year_text = request.args.get("year", "")
    programme_id = int(programme_text) if programme_text.isdigit() else None
    if programme_text and programme_id not in programme_ids:
        problems.append("There is no such programme; showing every programme.")
        programme_id = None
    year = int(year_text) if year_text.isdigit() else None
    if year_text and (year is None or not EARLIEST_YEAR <= year <= LATEST_YEAR):
        problems.append(f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}; showing every year.")
        year = None
    return PortfolioScope(programme_id=programme_id, year=year), problems


@bp.get("/manage/insights")
@declare(OFFICER)
def portfolio_page():
    programmes = list_programmes()
    scope, problems = _portfolio_scope({p.id for p in programmes})
    return render_template(
        "insights/portfolio.html",
        portfolio=portfolio(scope, utcnow().date()),
        programmes=programmes,
        problems=problems,
    ), (400 if problems else 200)


@bp.get("/manage/programmes/<int:programme_id>/dashboard")
@declare(OFFICER, load=LOAD_PROGRAMME)
def programme(programme):
    return render_template("insights/programme.html", dashboard=programme_dashboard(programme, utcnow()))


@bp.get("/manage/calls/<int:call_id>/dashboard")
@declare(OFFICER, load=LOAD_CALL)
def call(call):
    return render_template(
        "insights/call.html",
        dashboard=call_dashboard(call, utcnow()),
        can_identify=may_identify_reviewers(current_user, call),
    )
