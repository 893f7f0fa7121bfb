"""State tables, deadlines in words, and the application predicates, without a database."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from grants.accounts.roles import Role
from grants.applications.states import APPLICATION_TRANSITIONS, ApplicationState, check_application_transition
from grants.calls.deadlines import deadline_views, in_final_days, time_left, zone_label
from grants.calls.services.calls import local_to_utc
from grants.calls.states import CALL_TRANSITIONS, CallState, check_call_transition
from grants.errors import TransitionError, ValidationError
from grants.security.predicates import (
    can_download_attachment,
    can_edit_application,
    can_lead_application,
    can_see_call,
    can_view_application,
)
from tests.unit.people import Person


@dataclass
class Member:
    user_id: int
    accepted_at: datetime | None = datetime(2018, 3, 1, tzinfo=UTC)


@dataclass
class OpenCall:
    double_blind: bool = False


@dataclass
class Draft:
    members: list
    lead_applicant_id: int = 1
    state: str = "draft"
    call: OpenCall = field(default_factory=OpenCall)
    review_assignments: list = field(default_factory=list)


@dataclass
class File:
    application: Draft
    kind: str = "case_for_support"


def test_every_call_state_has_a_row_and_calls_only_move_forward():
    assert set(CALL_TRANSITIONS) == set(CallState)
    check_call_transition("draft", CallState.OPEN)
    with pytest.raises(TransitionError):
        check_call_transition("closed", CallState.OPEN)


def test_decided_and_withdrawn_applications_are_final():
    assert set(APPLICATION_TRANSITIONS) == set(ApplicationState)
    for final in (ApplicationState.AWARDED, ApplicationState.REJECTED, ApplicationState.WITHDRAWN):
        assert APPLICATION_TRANSITIONS[final] == frozenset()
    with pytest.raises(TransitionError, match="withdrawn cannot be submitted"):
        check_application_transition("withdrawn", ApplicationState.SUBMITTED)


def test_a_deadline_is_shown_in_the_calls_zone_then_the_viewers():
    closes = datetime(2018, 6, 14, 15, 0, tzinfo=UTC)  # 16:00 in London (summer time)
    london, beijing = deadline_views(closes, "Europe/London", "Asia/Shanghai")
    assert london.short == "16:00 London time"
    assert beijing.short == "23:00 Beijing time"
    assert london.text == "16:00 London time, Thursday 14 June 2018"
    assert deadline_views(closes, "Europe/London", "Europe/London") == [london]
    assert zone_label("America/New_York") == "New York"


def test_the_countdown_text_and_window():
    now = datetime(2018, 6, 10, 12, 0, tzinfo=UTC)
    assert time_left(now + timedelta(days=3, hours=4, minutes=5), now) == "3 days 4 hours"
    assert time_left(now + timedelta(hours=1, minutes=1), now) == "1 hour 1 minute"
    assert time_left(now + timedelta(seconds=30), now) == "less than a minute"
    assert time_left(now - timedelta(seconds=1), now) == "closed"
    assert in_final_days(now + timedelta(days=6), now) and not in_final_days(now + timedelta(days=8), now)


def test_only_the_joined_team_and_staff_see_an_application():
    lead, partner, invited, stranger = Person(1), Person(2), Person(3), Person(4)
    officer, reviewer = Person(5, {Role.OFFICER}), Person(6, {Role.REVIEWER})
    draft = Draft([Member(1), Member(2), Member(3, accepted_at=None)])
    assert [
        can_view_application(p, draft) for p in (lead, partner, invited, stranger, officer, reviewer)
    ] == [True, True, False, False, True, False]
    assert can_download_attachment(partner, File(draft)) and not can_download_attachment(
        stranger, File(draft)
    )
    assert can_edit_application(partner, draft) and not can_edit_application(officer, draft)
    assert can_lead_application(lead, draft) and not can_lead_application(partner, draft)
    draft.state = "submitted"
    assert not can_edit_application(lead, draft)


def test_draft_calls_are_for_staff_only():
    @dataclass
    class CallStub:
        state: str

    assert can_see_call(Person(1, {Role.OFFICER}), CallStub("draft"))
    assert not can_see_call(Person(2), CallStub("draft"))
    assert can_see_call(Person(2), CallStub("open"))


@pytest.mark.parametrize(
    ("local", "problem"),
    [
        (datetime(2025, 3, 30, 1, 30), "does not exist"),
        (datetime(2025, 10, 26, 1, 30), "happens twice"),
    ],
)
def test_a_deadline_must_name_one_instant_on_clock_change_days(local, problem):
    with pytest.raises(ValidationError, match=problem):
        local_to_utc(local, "Europe/London", "closes_local")
    assert local_to_utc(datetime(2025, 6, 1, 16, 0), "Asia/Shanghai") == datetime(
        2025, 6, 1, 8, 0, tzinfo=UTC
    )
