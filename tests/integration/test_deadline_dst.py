"""A 16:00 London deadline on both of 2026's daylight-saving switch days, seen from Beijing.

On 29 March the clocks go forward at 01:00 UTC, so 16:00 BST is 15:00 UTC (23:00 in Beijing);
on 25 October they go back, so 16:00 GMT is 16:00 UTC (00:00 on the 26th in Beijing). The rule
is ``opens_at <= now < closes_at``: the deadline instant itself is already closed.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from grants.applications.services.submission import submit_application
from grants.calls.models import Call
from grants.deadlines.calls import call_closing_reminders
from grants.errors import Conflict
from grants.timeutil import clock_at
from tests.integration.conftest import post_form
from tests.integration.test_call_pages import call_form, officer_client  # noqa: F401

SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class SwitchDay:
    closes_local: datetime
    closes_utc: datetime
    english: tuple[str, str]
    chinese: tuple[str, str]


SPRING = SwitchDay(
    datetime(2026, 3, 29, 16, 0),
    datetime(2026, 3, 29, 15, 0, tzinfo=UTC),
    ("16:00 London time, Sunday 29 March 2026", "(23:00 Beijing time)"),
    ("伦敦时间 16:00，2026年3月29日星期日", "（北京时间 23:00）"),  # noqa: RUF001 (Chinese punctuation)
)
AUTUMN = SwitchDay(
    datetime(2026, 10, 25, 16, 0),
    datetime(2026, 10, 25, 16, 0, tzinfo=UTC),
    ("16:00 London time, Sunday 25 October 2026", "(00:00 Beijing time, Mon 26 Oct)"),
    ("伦敦时间 16:00，2026年10月25日星期日", "（北京时间 00:00，10月26日周一）"),  # noqa: RUF001
)
SWITCH_DAYS = pytest.mark.parametrize("day", [SPRING, AUTUMN], ids=["spring-forward", "autumn-back"])


def a_month_before(day: SwitchDay):
    """The frozen clock while the call is set up and drafted."""
    return clock_at(day.closes_utc - timedelta(days=30))


def london_call(factory, day: SwitchDay) -> Call:
    with a_month_before(day):
        return factory.call(
            time_zone="Europe/London",
            opens_local=day.closes_local - timedelta(days=60),
            closes_local=day.closes_local,
        )


@SWITCH_DAYS
def test_the_officers_form_stores_the_utc_instant_16_00_london_means_that_day(
    officer_client,  # noqa: F811 (the fixture imported above)
    factory,
    db_session,
    day,
):
    programme = factory.call(open_it=False).programme
    with a_month_before(day):
        response = post_form(
            officer_client,
            f"/manage/programmes/{programme.id}/calls/new",
            call_form(
                opens_local=(day.closes_local - timedelta(days=60)).strftime("%Y-%m-%dT%H:%M"),
                closes_local=day.closes_local.strftime("%Y-%m-%dT%H:%M"),
            ),
        )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    call = db_session.query(Call).filter_by(reference_prefix="FCP-2018").one()
    assert call.closes_at == day.closes_utc


@SWITCH_DAYS
def test_the_service_stores_the_same_instant(factory, day):
    assert london_call(factory, day).closes_at == day.closes_utc


@SWITCH_DAYS
def test_a_researcher_in_beijing_sees_both_zones_in_english_and_in_chinese(app, factory, sign_in, day):
    call = london_call(factory, day)
    for language, (in_london, in_beijing) in (("en", day.english), ("zh_Hans", day.chinese)):
        client = app.test_client()
        sign_in(factory.researcher("CN", time_zone="Asia/Shanghai", language=language), http_client=client)
        with a_month_before(day):
            page = client.get(f"/calls/{call.id}").get_data(as_text=True)
        assert in_london in page, language
        assert in_beijing in page, language


@SWITCH_DAYS
def test_one_second_before_is_accepted_and_the_deadline_instant_and_after_are_refused(factory, day):
    call = london_call(factory, day)
    with a_month_before(day):
        late, on_time, at_the_instant = (factory.complete_application(call) for _ in range(3))
    for application, moment in ((at_the_instant, day.closes_utc), (late, day.closes_utc + SECOND)):
        with pytest.raises(Conflict, match="no longer accepts submissions"):
            submit_application(application.lead_applicant, application.id, moment)
        assert application.state == "draft" and application.reference is None
    result = submit_application(on_time.lead_applicant, on_time.id, day.closes_utc - SECOND)
    assert result.newly_submitted and on_time.submitted_at == day.closes_utc - SECOND


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("2026-03-29T01:30", "01:30 on 29 March 2026 does not exist (the clocks go forward)"),
        ("2026-10-25T01:30", "01:30 on 25 October 2026 happens twice (the clocks go back)"),
    ],
    ids=["skipped", "repeated"],
)
def test_a_closing_time_the_clock_skips_or_repeats_is_refused_on_the_form(
    officer_client,  # noqa: F811 (the fixture imported above)
    factory,
    db_session,
    typed,
    refusal,
):
    programme = factory.call(open_it=False).programme
    with clock_at(datetime(2026, 1, 5, tzinfo=UTC)):
        response = post_form(
            officer_client,
            f"/manage/programmes/{programme.id}/calls/new",
            call_form(opens_local="2026-01-10T09:00", closes_local=typed),
        )
    assert response.status_code == 422
    assert refusal in response.get_data(as_text=True)
    assert db_session.query(Call).filter_by(reference_prefix="FCP-2018").count() == 0


def test_the_one_day_reminder_is_due_24_real_hours_before_across_the_spring_switch(factory):
    """16:00 BST on 29 March is 15:00 UTC; a day earlier it is 15:00 GMT on the 28th (not 16:00
    local, which would be 23 hours before)."""
    call = london_call(factory, SPRING)
    with a_month_before(SPRING):
        factory.draft(call)
    one_day_before = SPRING.closes_utc - timedelta(days=1)
    assert one_day_before == datetime(2026, 3, 28, 15, 0, tzinfo=UTC)

    def milestones(now: datetime) -> set[str]:
        return {reminder.key.split(":")[2] for reminder in call_closing_reminders(now)}

    assert milestones(one_day_before - SECOND) == {"7d"}
    assert milestones(one_day_before) == {"1d"}
