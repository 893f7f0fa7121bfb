"""Officers' dashboards: the portfolio across programmes, one programme, one call."""

from flask import render_template, request
from flask_login import current_user

from grants.calls.deadlines import deadline_views
from grants.calls.services.programmes import list_programmes
from grants.insights.exports import may_identify_reviewers
from grants.insights.services.dashboards import call_dashboard, programme_dashboard
from grants.insights.services.portfolio import portfolio
from grants.insights.services.scope import read_portfolio_scope
from grants.insights.views.blueprint import LOAD_CALL, LOAD_PROGRAMME, bp
from grants.security.policy import OFFICER, declare
from grants.templating import viewer_zone
from grants.timeutil import utcnow


@bp.get("/manage/insights")
@declare(OFFICER)
def portfolio_page():
    programmes = list_programmes()
    scope, problems = read_portfolio_scope(
        request.args.get("programme", ""), request.args.get("year", ""), {p.id for p in programmes}
    )
    return render_template(
        "insights/portfolio.html",
        portfolio=portfolio(scope, utcnow()),
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
        closes=deadline_views(call.closes_at, call.time_zone, viewer_zone().key),
        can_identify=may_identify_reviewers(current_user, call),
    )
