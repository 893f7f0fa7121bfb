"""The pure arithmetic of an award (splitting money exactly, when reports and payments fall) and
the award predicates, without a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.accounts.roles import Role
from grants.awards.schedule import (
    FINAL_REPORT_GRACE,
    PROGRESS_REPORT_GRACE,
    PaymentSlot,
    ReportSlot,
    add_months,
    apportion,
    end_date_for,
    payment_schedule,
    project_years,
    report_schedule,
)
from grants.security.predicates import (
    can_accept_agreement,
    can_decide,
    can_manage_award,
    can_record_milestone,
    can_release_payment,
    can_review_report,
    can_view_award,
    can_write_report,
    is_lead_investigator,
)
from tests.unit.people import Anonymous, Person

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, database=None)


# --- apportion ---------------------------------------------------------------------------------


def test_apportion_splits_in_proportion_and_gives_leftover_units_to_the_largest_remainders():
    assert apportion(100, [1, 2]) == [33, 67]
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    # Equal remainders: the earlier part gets the unit.
    assert apportion(1, [1, 1]) == [1, 0]
    assert apportion(5, [0, 3, 0, 2]) == [0, 3, 0, 2]
    assert apportion(7_000_001, [5_000_000, 2_000_000]) == [5_000_001, 2_000_000]
    assert apportion(0, [3, 4]) == [0, 0]


def test_apportion_splits_evenly_when_no_weight_is_positive():
    assert apportion(10, [0, 0, 0]) == [4, 3, 3]
    assert apportion(2, [0, 0, 0]) == [1, 1, 0]
    assert apportion(9, [0]) == [9]


def test_apportion_of_nothing_is_nothing():
    assert apportion(100, []) == []


@pytest.mark.parametrize(("total", "weights"), [(-1, [1, 2]), (10, [1, -1]), (-5, [0, 0])])
def test_apportion_refuses_negative_amounts(total, weights):
    with pytest.raises(ValueError, match="non-negative"):
        apportion(total, weights)


@PROPERTY_SETTINGS
@given(
    total=st.integers(0, 10**15),
    weights=st.lists(st.one_of(st.integers(0, 5), st.integers(0, 10**12)), min_size=1, max_size=12),
)
def test_apportion_always_adds_up_exactly_and_stays_within_one_unit_of_the_exact_share(total, weights):
    parts = apportion(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total
    assert all(part >= 0 for part in parts)
    base = sum(weights)
    shares = (
        [Fraction(total * w, base) for w in weights]
        if base
        else [Fraction(total, len(weights))] * len(weights)
    )
    for part, share in zip(parts, shares, strict=True):
        assert abs(part - share) < 1
    if base:
        # A category or year that asked for nothing is given nothing.
        assert all(part == 0 for part, weight in zip(parts, weights, strict=True) if weight == 0)


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2019, 1, 31), 1, date(2019, 2, 28)),
        (date(2020, 1, 31), 1, date(2020, 2, 29)),
        (date(2020, 2, 29), 12, date(2021, 2, 28)),
        (date(2019, 3, 31), 1, date(2019, 4, 30)),
        (date(2018, 11, 15), 3, date(2019, 2, 15)),
        (date(2018, 12, 31), 1, date(2019, 1, 31)),
        (date(2018, 12, 1), 12, date(2019, 12, 1)),
        (date(2018, 6, 30), 30, date(2020, 12, 30)),
        (date(2019, 5, 17), 0, date(2019, 5, 17)),
        (date(2019, 3, 31), -1, date(2019, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_clamped_to_the_months_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2019, 1, 1), 24, date(2020, 12, 31)),
        (date(2019, 3, 15), 12, date(2020, 3, 14)),
        (date(2019, 12, 1), 1, date(2019, 12, 31)),
        (date(2019, 10, 1), 18, date(2021, 3, 31)),
        # No 31 February or 29 February 2025: the project ends on the month's last day.
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
    ],
)
def test_end_date_is_the_day_before_the_same_day_duration_months_later(start, months, expected):
    assert end_date_for(start, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (date(2019, 1, 1), date(2019, 1, 1), 1),
        (date(2019, 1, 1), date(2019, 12, 31), 1),
        (date(2019, 1, 1), date(2020, 1, 1), 2),
        (date(2019, 1, 1), date(2020, 12, 31), 2),
        (date(2019, 1, 1), date(2021, 6, 30), 3),
        (date(2020, 2, 29), date(2021, 2, 27), 1),
    ],
)
def test_project_years_counts_partial_years(start, end, years):
    assert project_years(start, end) == years


@PROPERTY_SETTINGS
@given(start=st.dates(date(2000, 1, 1), date(2090, 12, 31)), months=st.integers(1, 120))
def test_a_project_of_whole_years_spans_exactly_that_many_project_years(start, months):
    end = end_date_for(start, months)
    assert start <= end
    assert project_years(start, end) == -(-months // 12)


# --- reports -----------------------------------------------------------------------------------


def test_a_two_year_project_owes_a_progress_report_after_year_one_and_a_final_report():
    start = date(2019, 1, 1)
    end = end_date_for(start, 24)
    assert report_schedule(start, end) == [
        ReportSlot("progress", 1, date(2019, 12, 31), date(2020, 1, 30)),
        ReportSlot("final", 1, date(2020, 12, 31), date(2021, 3, 31)),
    ]
    assert timedelta(days=30) == PROGRESS_REPORT_GRACE
    assert timedelta(days=90) == FINAL_REPORT_GRACE


def test_a_one_year_project_owes_only_a_final_report():
    start = date(2019, 4, 1)
    assert report_schedule(start, end_date_for(start, 12)) == [
        ReportSlot("final", 1, date(2020, 3, 31), date(2020, 6, 29))
    ]


def test_a_progress_report_follows_every_full_year_that_ends_before_the_project():
    start = date(2019, 10, 1)
    slots = report_schedule(start, end_date_for(start, 30))
    assert [(s.kind, s.sequence, s.period_end) for s in slots] == [
        ("progress", 1, date(2020, 9, 30)),
        ("progress", 2, date(2021, 9, 30)),
        ("final", 1, date(2022, 3, 31)),
    ]
    assert all(s.due_date == s.period_end + timedelta(days=30) for s in slots[:-1])
    assert slots[-1].due_date == date(2022, 3, 31) + timedelta(days=90)


def test_a_project_shorter_than_a_year_owes_only_its_final_report():
    assert report_schedule(date(2019, 1, 1), date(2019, 7, 31)) == [
        ReportSlot("final", 1, date(2019, 7, 31), date(2019, 10, 29))
    ]


# --- payments ----------------------------------------------------------------------------------


def test_one_instalment_per_project_year_sized_like_that_years_request():
    start = date(2019, 1, 31)
    end = end_date_for(start, 36)
    slots = payment_schedule(start, end, 1_000_000, [1, 1, 1])
    assert slots == [
        PaymentSlot(1, date(2019, 1, 31), 333_334),
        PaymentSlot(2, date(2020, 1, 31), 333_333),
        PaymentSlot(3, date(2021, 1, 31), 333_333),
    ]
    assert sum(s.amount_minor for s in slots) == 1_000_000


def test_budget_for_years_beyond_the_project_falls_into_its_last_year():
    start = date(2019, 1, 1)
    slots = payment_schedule(start, end_date_for(start, 24), 10_000, [50, 30, 20])
    assert [(s.sequence, s.due_on, s.amount_minor) for s in slots] == [
        (1, date(2019, 1, 1), 5_000),
        (2, date(2020, 1, 1), 5_000),
    ]


def test_a_year_that_asked_for_nothing_gets_no_instalment_and_missing_years_weigh_nothing():
    start = date(2019, 1, 1)
    end = end_date_for(start, 36)
    assert [(s.sequence, s.amount_minor) for s in payment_schedule(start, end, 900, [0, 1, 2])] == [
        (2, 300),
        (3, 600),
    ]
    # A request for year 1 only: the whole award is paid at the start.
    assert payment_schedule(start, end, 900, [7]) == [PaymentSlot(1, start, 900)]


def test_an_award_with_no_budget_by_year_is_paid_evenly_across_its_years():
    start = date(2019, 1, 1)
    slots = payment_schedule(start, end_date_for(start, 24), 101, [])
    assert [s.amount_minor for s in slots] == [51, 50]


@PROPERTY_SETTINGS
@given(
    start=st.dates(date(2000, 1, 1), date(2090, 12, 31)),
    months=st.integers(1, 72),
    total=st.integers(0, 10**13),
    weights=st.lists(st.integers(0, 10**10), max_size=8),
)
def test_instalments_always_add_up_to_the_award_and_fall_at_year_starts(start, months, total, weights):
    end = end_date_for(start, months)
    slots = payment_schedule(start, end, total, weights)
    assert sum(s.amount_minor for s in slots) == total
    assert all(s.amount_minor > 0 for s in slots)
    assert len(slots) <= project_years(start, end)
    for slot in slots:
        assert slot.due_on == add_months(start, 12 * (slot.sequence - 1))
        assert start <= slot.due_on <= end
    assert [s.sequence for s in slots] == sorted({s.sequence for s in slots})


# --- predicates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    name: str


@dataclass
class Someone(Person):
    """A signed-in user as conflict detection reads one."""

    email: str = ""
    orcid: str | None = None
    institution: Place | None = None
    reviewer_profile: None = None


@dataclass
class Member:
    user: Someone | None
    role: str = "lead"
    accepted_at: datetime | None = datetime(2018, 3, 1, tzinfo=UTC)
    institution: Place | None = None

    @property
    def user_id(self):
        return self.user.id if self.user is not None else None

    @property
    def email(self):
        return self.user.email if self.user is not None else "invited@uni-x.ac.uk"


@dataclass
class FundedApplication:
    members: list
    state: str = "awarded"
    conflicts: list = field(default_factory=list)


@dataclass
class AwardStub:
    application: FundedApplication
    state: str = "active"


@dataclass
class ReportStub:
    award: AwardStub
    state: str = "due"

    @property
    def is_editable(self):
        return self.state in ("due", "changes_requested")


@dataclass
class PaymentStub:
    award: AwardStub


@dataclass
class MilestoneStub:
    award: AwardStub


@dataclass
class RecordedConflict:
    reviewer_id: int
    reason: str = "Declared by the reviewer"


EDINBURGH, FUDAN, LEEDS = (
    Place("University of Edinburgh"),
    Place("Fudan University"),
    Place("University of Leeds"),
)


def people():
    uk_lead = Someone(1, email="lead@ed.ac.uk", institution=EDINBURGH)
    cn_lead = Someone(2, email="lead@fudan.edu.cn", institution=FUDAN)
    co_investigator = Someone(3, email="coi@ed.ac.uk", institution=EDINBURGH)
    invited_lead = Someone(4, email="late@fudan.edu.cn", institution=FUDAN)
    officer = Someone(10, {Role.OFFICER}, email="officer@council.org.uk", institution=LEEDS)
    conflicted = Someone(11, {Role.OFFICER}, email="officer2@ed.ac.uk", institution=EDINBURGH)
    outsider = Someone(12, email="someone@leeds.ac.uk", institution=LEEDS)
    admin = Someone(13, {Role.ADMIN}, email="admin@council.org.uk", institution=LEEDS)
    application = FundedApplication(
        [
            Member(uk_lead, institution=EDINBURGH),
            Member(cn_lead, institution=FUDAN),
            Member(co_investigator, role="co_investigator", institution=EDINBURGH),
            Member(invited_lead, accepted_at=None, institution=FUDAN),
        ]
    )
    return application, uk_lead, cn_lead, co_investigator, invited_lead, officer, conflicted, outsider, admin


def test_officers_decide_and_manage_awards_unless_conflicted():
    application, uk_lead, _, _, _, officer, conflicted, outsider, admin = people()
    award = AwardStub(application)
    assert can_decide(officer, application)
    assert not can_decide(conflicted, application), "same institution as the UK lead"
    assert not can_decide(outsider, application)
    assert not can_decide(admin, application), "admins do not decide"
    assert not can_decide(uk_lead, application)
    assert not can_decide(Anonymous(), application)
    assert [can_manage_award(p, award) for p in (officer, conflicted, outsider, admin, uk_lead)] == [
        True,
        False,
        False,
        False,
        False,
    ]
    assert can_release_payment(officer, PaymentStub(award))
    assert not can_release_payment(conflicted, PaymentStub(award))
    assert not can_release_payment(uk_lead, PaymentStub(award))
    assert can_review_report(officer, ReportStub(award, "submitted"))
    assert not can_review_report(conflicted, ReportStub(award, "submitted"))
    assert not can_review_report(uk_lead, ReportStub(award, "submitted"))


def test_a_recorded_conflict_keeps_an_officer_off_the_award():
    application, *_, officer, _, _, _ = people()
    award = AwardStub(application)
    assert can_manage_award(officer, award)
    application.conflicts.append(RecordedConflict(reviewer_id=officer.id))
    assert not can_manage_award(officer, award)
    assert not can_view_award(officer, award)


def test_only_joined_members_with_the_lead_role_are_lead_investigators():
    application, uk_lead, cn_lead, co_investigator, invited_lead, officer, _, outsider, _ = people()
    assert is_lead_investigator(uk_lead, application)
    assert is_lead_investigator(cn_lead, application)
    assert not is_lead_investigator(co_investigator, application)
    assert not is_lead_investigator(invited_lead, application), "invited but not joined"
    assert not is_lead_investigator(officer, application)
    assert not is_lead_investigator(outsider, application)
    assert not is_lead_investigator(Anonymous(), application)


def test_the_team_and_unconflicted_officers_view_an_award():
    application, uk_lead, cn_lead, co_investigator, invited_lead, officer, conflicted, outsider, admin = (
        people()
    )
    award = AwardStub(application)
    viewers = (uk_lead, cn_lead, co_investigator, invited_lead, officer, conflicted, outsider, admin)
    assert [can_view_award(p, award) for p in viewers] == [True, True, True, False, True, False, False, False]
    assert not can_view_award(Anonymous(), award)


def test_each_lead_accepts_an_offered_agreement_only_while_it_is_offered():
    application, uk_lead, cn_lead, co_investigator, invited_lead, officer, _, outsider, _ = people()
    award = AwardStub(application, state="offered")
    assert can_accept_agreement(uk_lead, award) and can_accept_agreement(cn_lead, award)
    for person in (co_investigator, invited_lead, officer, outsider, Anonymous()):
        assert not can_accept_agreement(person, award)
    for state in ("active", "withdrawn", "terminated", "completed"):
        award.state = state
        assert not can_accept_agreement(uk_lead, award), state


def test_the_team_writes_reports_that_are_open_while_the_award_runs():
    application, uk_lead, _, co_investigator, invited_lead, officer, _, outsider, _ = people()
    award = AwardStub(application)
    report = ReportStub(award)
    assert can_write_report(uk_lead, report) and can_write_report(co_investigator, report)
    for person in (invited_lead, officer, outsider, Anonymous()):
        assert not can_write_report(person, report)
    for state, editable in (
        ("due", True),
        ("changes_requested", True),
        ("submitted", False),
        ("accepted", False),
    ):
        report.state = state
        assert can_write_report(uk_lead, report) is editable, state
    report.state = "due"
    for state, running in (
        ("offered", False),
        ("active", True),
        ("terminated", True),
        ("completed", True),
        ("withdrawn", False),
    ):
        award.state = state
        assert can_write_report(uk_lead, report) is running, state


def test_the_team_or_an_unconflicted_officer_records_a_milestone():
    application, uk_lead, cn_lead, co_investigator, invited_lead, officer, conflicted, outsider, _ = people()
    milestone = MilestoneStub(AwardStub(application))
    assert [
        can_record_milestone(p, milestone)
        for p in (uk_lead, cn_lead, co_investigator, invited_lead, officer, conflicted, outsider)
    ] == [True, True, True, False, True, False, False]
    assert not can_record_milestone(Anonymous(), milestone)
