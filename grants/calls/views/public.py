"""The public list of open and upcoming calls, and a call's own page."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from grants.accounts.reference import country_list, country_name
from grants.applications.services.listing import my_applications
from grants.calls.deadlines import deadline_views, in_final_days, time_left
from grants.calls.forms import CallFilterForm
from grants.calls.services.listing import CallFilters, filter_options, public_calls
from grants.calls.views.blueprint import LOAD_CALL, bp
from grants.choices import options
from grants.markdown_text import render_markdown
from grants.numbers import whole_number
from grants.security.policy import PUBLIC, declare
from grants.security.predicates import can_see_call
from grants.timeutil import utcnow


@bp.get("/calls")
@declare(PUBLIC)
def index():
    now = utcnow()
    form = CallFilterForm(request.args)
    every_call = public_calls(now)
    available = filter_options(every_call)
    form.priority_area.choices = options(
        [("", _("Any priority area")), *((a, a) for a in available.priority_areas)]
    )
    form.funder.choices = options([("", _("Any funder")), *((str(f.id), f.name) for f in available.funders)])
    form.country.choices = options(
        [("", _("Any country")), *((c, country_name(c)) for c in available.countries)]
    )
    funder = request.args.get("funder", "")
    filters = CallFilters(
        priority_area=request.args.get("priority_area", ""),
        funder_id=whole_number(funder),
        country=request.args.get("country", ""),
    )
    return render_template(
        "calls/index.html",
        calls=public_calls(now, filters) if filters.active else every_call,
        form=form,
        filters=filters,
        now=now,
        zone=_viewer_zone(),
        time_left=time_left,
        in_final_days=in_final_days,
        deadline_views=deadline_views,
    )


@bp.get("/calls/<int:call_id>")
@declare(PUBLIC, load=LOAD_CALL, check=can_see_call)
def show(call):
    now = utcnow()
    mine = (
        [app for app in my_applications(current_user) if app.call_id == call.id]
        if current_user.is_authenticated
        else []
    )
    return render_template(
        "calls/show.html",
        call=call,
        now=now,
        summary=render_markdown(call.summary),
        guidance=render_markdown(call.guidance),
        closes=deadline_views(call.closes_at, call.time_zone, _viewer_zone()),
        opens=deadline_views(call.opens_at, call.time_zone, _viewer_zone()),
        countdown=in_final_days(call.closes_at, now),
        time_left=time_left(call.closes_at, now),
        my_applications=mine,
        lead_countries=country_list(call.countries),
    )


def _viewer_zone() -> str | None:
    return getattr(current_user, "time_zone", None) if current_user.is_authenticated else None
