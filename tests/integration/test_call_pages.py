"""Officers set a call up through the pages; the public sees open calls with their deadlines."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from grants.applications.services.submission import submit_application
from grants.calls.models import Call, Funder, Programme
from grants.calls.services.lifecycle import close_calls_past_deadline, open_call, start_reviewing
from grants.calls.services.listing import CallFilters, public_calls
from grants.errors import Conflict, TransitionError
from grants.timeutil import utcnow
from tests.integration.conftest import post_form


@pytest.fixture
def officer_client(app, factory, sign_in):
    client = app.test_client()
    sign_in(factory.officer(), http_client=client)
    return client


def call_form(**changes):
    start = datetime.now().replace(second=0, microsecond=0) + timedelta(days=1)
    return {
        "title": "Flagship 2018",
        "reference_prefix": "FCP-2018",
        "summary": "Joint **projects**.",
        "guidance": "",
        "time_zone": "Europe/London",
        "opens_local": start.strftime("%Y-%m-%dT%H:%M"),
        "closes_local": (start + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M"),
        "min_duration_months": "24",
        "max_duration_months": "36",
        "reviews_required": "3",
        "review_due_local": "",
        "requires_lead_per_country": "y",
        **changes,
    }


def test_an_officer_sets_up_and_opens_a_bilateral_call(officer_client, factory, db_session):
    assert (
        post_form(
            officer_client,
            "/manage/programmes/new",
            {"name": "Flagship Challenge", "code": "fcp", "description": ""},
        ).status_code
        == 303
    )
    programme = db_session.query(Programme).filter_by(code="FCP").one()
    for name, short, country, currency in (
        ("UK Research", "UKR", "GB", "GBP"),
        ("China Science", "CS", "CN", "CNY"),
    ):
        assert (
            post_form(
                officer_client,
                "/manage/funders/new",
                {"name": name, "short_name": short, "country": country, "currency": currency},
            ).status_code
            == 303
        )
    created = post_form(officer_client, f"/manage/programmes/{programme.id}/calls/new", call_form())
    assert created.status_code == 303
    call = db_session.query(Call).filter_by(reference_prefix="FCP-2018").one()
    assert call.state == "draft"

    not_yet = post_form(officer_client, f"/manage/calls/{call.id}/open")
    assert "cannot open yet" in officer_client.get(not_yet.location).get_data(as_text=True)
    assert call.state == "draft"

    for funder, envelope, maximum in zip(
        db_session.query(Funder).order_by(Funder.id),
        ("2,000,000", "18,000,000"),
        ("200,000", "1,800,000"),
        strict=True,
    ):
        assert (
            post_form(
                officer_client,
                f"/manage/calls/{call.id}/funders",
                {"funder_id": funder.id, "envelope": envelope, "max_request": maximum},
            ).status_code
            == 303
        )
    post_form(
        officer_client,
        f"/manage/calls/{call.id}/priority-areas",
        {"priority_areas": "Food safety\nRenewable energy\nFood safety\n"},
    )
    post_form(
        officer_client,
        f"/manage/calls/{call.id}/criteria/new",
        {"name": "Excellence", "guidance": "", "weight": "40", "scale_min": "1", "scale_max": "5"},
    )
    post_form(
        officer_client,
        f"/manage/calls/{call.id}/questions/new",
        {
            "kind": "long_text",
            "label": "Data plan",
            "help_text": "",
            "required": "y",
            "word_limit": "300",
            "max_length": "",
            "min_value": "",
            "max_value": "",
            "options": "",
        },
    )
    assert post_form(officer_client, f"/manage/calls/{call.id}/open").status_code == 303
    assert call.state == "open"
    assert [f.max_request_minor for f in call.funders] == [20_000_000, 180_000_000]
    assert call.area_names == ["Food safety", "Renewable energy"]
    assert call.criteria[0].weight == 40
    assert call.question_sets[0].questions[0].word_limit == 300


def test_call_form_mistakes_are_shown_and_nothing_is_saved(officer_client, factory, db_session):
    programme = factory.call(open_it=False).programme
    form = call_form(closes_local=call_form()["opens_local"], reference_prefix="fcp 2018!")
    response = post_form(officer_client, f"/manage/programmes/{programme.id}/calls/new", form)
    assert response.status_code == 422
    assert "Use capitals, digits and hyphens" in response.get_data(as_text=True)
    response = post_form(
        officer_client,
        f"/manage/programmes/{programme.id}/calls/new",
        call_form(closes_local=call_form()["opens_local"]),
    )
    assert response.status_code == 422
    assert "The call must close after it opens." in response.get_data(as_text=True)
    assert db_session.query(Call).filter_by(reference_prefix="FCP-2018").count() == 0


def test_a_maximum_request_above_the_envelope_is_refused(officer_client, factory):
    call = factory.call(open_it=False)
    funder = factory.funders(factory.officer())[0]
    response = post_form(
        officer_client,
        f"/manage/calls/{call.id}/funders",
        {"funder_id": funder.id, "envelope": "100,000", "max_request": "150,000"},
    )
    assert "at most the envelope (£100,000.00)" in officer_client.get(response.location).get_data(
        as_text=True
    )
    assert len(call.funders) == 2


def test_researchers_cannot_set_up_calls(app, factory, sign_in):
    call = factory.call(open_it=False)
    client = app.test_client()
    sign_in(factory.researcher(), http_client=client)
    assert post_form(client, f"/manage/calls/{call.id}/open").status_code == 403
    assert call.state == "draft"


def test_the_call_page_shows_the_deadline_in_the_calls_zone_and_the_viewers(app, factory, sign_in):
    closes = (datetime.now() + timedelta(days=3)).replace(hour=16, minute=0, second=0, microsecond=0)
    call = factory.call(time_zone="Europe/London", closes_local=closes)
    client = app.test_client()
    sign_in(factory.researcher("CN", time_zone="Asia/Shanghai"), http_client=client)
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    beijing = call.closes_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert "16:00 London time" in page
    assert f"{beijing:%H:%M} Beijing time" in page
    assert "data-countdown" in page  # in the final days
    assert "Start an application" in page


def test_the_call_page_renders_markdown_safely(app, factory):
    call = factory.call()
    call.summary = "**Bold** <script>alert('x')</script> [bad](javascript:alert(1)) [good](https://ukri.org)"
    page = app.test_client().get(f"/calls/{call.id}").get_data(as_text=True)
    assert "<strong>Bold</strong>" in page
    assert "<script>alert" not in page
    assert 'href="javascript' not in page
    assert 'href="https://ukri.org"' in page


def test_the_public_list_shows_open_and_upcoming_calls_with_filters(app, factory):
    officer = factory.officer()
    open_call_ = factory.call(officer=officer, areas=["Food safety"])
    upcoming = factory.call(
        officer=officer,
        areas=["Renewable energy"],
        opens_local=datetime.now() + timedelta(days=10),
        closes_local=datetime.now() + timedelta(days=60),
    )
    draft = factory.call(officer=officer, open_it=False)
    now = utcnow()
    listed = public_calls(now)
    assert open_call_ in listed and upcoming in listed and draft not in listed
    assert public_calls(now, CallFilters(priority_area="Food safety")) == [open_call_]
    assert upcoming in public_calls(now, CallFilters(funder_id=upcoming.funders[0].funder_id))
    assert open_call_ not in public_calls(now, CallFilters(funder_id=upcoming.funders[0].funder_id))
    assert open_call_ in public_calls(now, CallFilters(country="CN"))
    assert public_calls(now, CallFilters(country="FR")) == []

    client = app.test_client()
    page = client.get("/calls?priority_area=Renewable+energy").get_data(as_text=True)
    assert upcoming.title in page and open_call_.title not in page and "Opens soon" in page
    assert "No open call matches" in client.get("/calls?country=FR").get_data(as_text=True)
    assert client.get(f"/calls/{draft.id}").status_code == 403


def test_calls_close_by_the_clock_and_move_on_by_hand(factory):
    call = factory.call()
    officer = factory.officer()
    assert close_calls_past_deadline(utcnow()) == []
    assert close_calls_past_deadline(call.closes_at) == [call.id]
    assert call.state == "closed"
    with pytest.raises(TransitionError):
        open_call(officer, call, utcnow())
    start_reviewing(officer, call)
    assert call.state == "reviewing"


def test_a_call_cannot_open_after_its_closing_time(factory):
    call = factory.call(open_it=False)
    with pytest.raises(Conflict, match="closing time has passed"):
        open_call(factory.officer(), call, call.closes_at + timedelta(seconds=1))


def test_officers_see_submitted_applications_and_a_count_of_drafts(officer_client, factory):
    call = factory.call()
    submitted = factory.complete_application(call)
    submit_application(submitted.lead_applicant, submitted.id, utcnow())
    draft = factory.draft(call)
    page = officer_client.get(f"/manage/calls/{call.id}").get_data(as_text=True)
    assert submitted.reference in page
    assert "1 submitted; 1 draft in progress" in page
    assert f'href="/applications/{draft.id}"' not in page
