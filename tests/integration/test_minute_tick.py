"""The beat's minute tick through the real services: calls open and close at their times, and
reminders and the officers' daily digest reach the outbox once each, however late, often or
twice the tick runs. Every tick is given an explicit ``now`` relative to the deadline under test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.services import team
from grants.applications.services.submission import submit_application
from grants.audit.models import AuditEvent
from grants.awards.models import Award, Report
from grants.awards.services.offers import accept_agreement, lead_members
from grants.awards.services.reports import review_report, save_report, submit_report
from grants.calls.models import Call
from grants.calls.services.calls import details_of, update_call
from grants.deadlines import tick
from grants.deadlines.tick import run_tick
from grants.notifications.models import OutboxMessage, OutboxState
from grants.reviews.services import invitations
from grants.timeutil import utcnow

MINUTE = timedelta(minutes=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")

# --- helpers -----------------------------------------------------------------------------------


def four_pm_in(days: int) -> datetime:
    """A closing time as an officer types it: 16:00 wall-clock time, ``days`` from today."""
    return datetime.combine(date.today() + timedelta(days=days), time(16, 0))


@dataclass(frozen=True)
class DraftTeam:
    call: Call
    application: Application
    lead: User
    partner: User  # the China co-investigator, who joined
    invitee: User  # invited, never joined


def call_with_draft(factory, partner_zone: str = "Europe/London") -> DraftTeam:
    """An open call closing at 16:00 London time in 30 days, with one draft whose UK lead and
    China co-investigator have joined and a third person who has not taken up the invitation."""
    call = factory.call(closes_local=four_pm_in(30))
    application = factory.draft(call)
    partner = factory.researcher("CN", time_zone=partner_zone)
    factory.join(application, partner, role="co_investigator", country="CN")
    invitee = factory.researcher("GB")
    team.invite_member(
        application.lead_applicant,
        application,
        email=invitee.email,
        full_name=invitee.full_name,
        role="co_investigator",
        country="GB",
        institution_id=invitee.institution_id,
        now=utcnow(),
    )
    factory.session.flush()
    return DraftTeam(call, application, application.lead_applicant, partner, invitee)


def milestone_of(message: OutboxMessage) -> str:
    """ "7d", "1d", "overdue"...: reminder keys read ``reminder:<kind>:<milestone>:<deadline>:...``."""
    return message.message_key.split(":")[2]


def sent(factory, template: str, milestone: str | None = None) -> list[str]:
    """Recipients of every ``template`` row (of one milestone), sorted, repeats kept."""
    return sorted(
        m.recipient_email
        for m in factory.outbox(template)
        if milestone is None or milestone_of(m) == milestone
    )


def emails(*people: User) -> list[str]:
    return sorted(person.email for person in people)


def officer_of(factory, call: Call) -> User:
    return factory.session.get(User, call.created_by_id)


def opening_events(factory, call: Call) -> int:
    return (
        factory.session.query(AuditEvent)
        .filter_by(subject_type="Call", subject_id=call.id, action="call.opened_for_submissions")
        .count()
    )


@dataclass(frozen=True)
class ReviewSetup:
    call: Call
    officer: User
    waiting: User  # accepted, review not submitted
    others: list[User]  # submitted, declined, never answered


def reviewers_in_every_state(factory, waiting_zone: str = "Europe/London") -> ReviewSetup:
    """A call in review with reviews due 30 days after its closing time, and four reviewers on its
    one application: one accepted and still owes the review, one submitted, one declined and one
    never answered the invitation."""
    officer = factory.officer()
    call, (application,) = factory.call_in_review(1, officer=officer, reviews_required=4)
    call.review_due_at = call.closes_at + timedelta(days=30)
    waiting = factory.reviewer(time_zone=waiting_zone)
    assignment = invitations.invite(officer, application, waiting, utcnow())
    invitations.accept_invitation(waiting, assignment, utcnow())
    submitted = factory.submitted_review(officer, application, for_applicant="Sound field design.")
    declined = factory.reviewer()
    refused = invitations.invite(officer, application, declined, utcnow())
    invitations.decline_invitation(declined, refused, "On leave that month.", utcnow())
    undecided = factory.reviewer()
    invitations.invite(officer, application, undecided, utcnow())
    factory.session.flush()
    return ReviewSetup(call, officer, waiting, [submitted, declined, undecided])


def progress_report(award: Award) -> Report:
    return next(r for r in award.reports if r.kind == "progress" and r.sequence == 1)


def end_of_due_day(report: Report) -> datetime:
    """A report is late from midnight after its due day, in the call's time zone."""
    zone = ZoneInfo(report.award.call.time_zone)
    return datetime.combine(report.due_date + timedelta(days=1), time(0), tzinfo=zone)


def team_of(award: Award) -> list[str]:
    return emails(*(m.user for m in award.application.members if m.user is not None and m.accepted_at))


def digests_to(factory, officer: User) -> list[OutboxMessage]:
    return factory.outbox("officer_digest", recipient=officer.email)


def at_shanghai(day: date, hour: int, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time as the UTC moment the tick is given."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def written_in(zone: ZoneInfo, moment: datetime) -> tuple[str, str]:
    """The local date ("Thursday, 10 December 2026") and time ("00:00") a reader in ``zone`` sees."""
    local = moment.astimezone(zone)
    return f"{local:%A}, {local.day} {local:%B %Y}", f"{local:%H:%M}"


# --- call-closing reminders --------------------------------------------------------------------


def test_a_week_before_the_close_each_joined_member_of_a_draft_is_reminded_once(factory):
    draft = call_with_draft(factory)
    submitted = factory.complete_application(draft.call)
    submit_application(submitted.lead_applicant, submitted.id, utcnow())
    week_before = draft.call.closes_at - timedelta(days=7) + MINUTE

    report = run_tick(week_before)

    assert report.reminders == 2
    assert sent(factory, "call_closing_reminder") == emails(draft.lead, draft.partner)
    assert sent(factory, "call_closing_reminder", "7d") == emails(draft.lead, draft.partner)
    assert draft.invitee.email not in sent(factory, "call_closing_reminder")
    assert run_tick(week_before).reminders == 0
    assert run_tick(week_before + MINUTE).reminders == 0
    assert len(factory.outbox("call_closing_reminder")) == 2


def test_the_day_before_brings_one_more_reminder_each_and_the_close_brings_none(factory):
    draft = call_with_draft(factory)
    closes_at = draft.call.closes_at
    run_tick(closes_at - timedelta(days=7) + MINUTE)

    run_tick(closes_at - timedelta(days=1) + MINUTE)
    run_tick(closes_at - timedelta(days=1) + 2 * MINUTE)

    assert sent(factory, "call_closing_reminder", "1d") == emails(draft.lead, draft.partner)
    assert len(factory.outbox("call_closing_reminder")) == 4

    report = run_tick(closes_at + MINUTE)
    assert report.closed == [draft.call.id] and report.reminders == 0
    run_tick(closes_at + timedelta(hours=1))
    assert len(factory.outbox("call_closing_reminder")) == 4


def test_two_beats_ticking_every_minute_write_one_two_hour_reminder_per_member(factory):
    draft = call_with_draft(factory)
    two_hours_before = draft.call.closes_at - timedelta(hours=2)
    minutes = [two_hours_before + offset * MINUTE for offset in range(-5, 5)]

    for minute in minutes:
        for beat_offset in (timedelta(0), timedelta(seconds=7)):
            run_tick(minute + beat_offset)

    assert sent(factory, "call_closing_reminder", "2h") == emails(draft.lead, draft.partner)
    # The first tick of the window catches up with the day-before reminder, once.
    assert sent(factory, "call_closing_reminder", "1d") == emails(draft.lead, draft.partner)
    assert len(factory.outbox("call_closing_reminder")) == 4


def test_a_tick_that_slept_through_the_day_before_milestone_sends_it_when_it_wakes(factory):
    draft = call_with_draft(factory)
    closes_at = draft.call.closes_at
    run_tick(closes_at - timedelta(hours=25))
    assert sent(factory, "call_closing_reminder", "7d") == emails(draft.lead, draft.partner)

    run_tick(closes_at - timedelta(hours=22))

    assert sent(factory, "call_closing_reminder", "1d") == emails(draft.lead, draft.partner)
    assert len(factory.outbox("call_closing_reminder")) == 4


def test_nothing_is_sent_when_the_call_closed_during_an_outage(factory):
    draft = call_with_draft(factory)
    closes_at = draft.call.closes_at
    run_tick(closes_at - timedelta(hours=25))

    report = run_tick(closes_at + timedelta(hours=1))

    assert report.closed == [draft.call.id] and report.reminders == 0
    assert sent(factory, "call_closing_reminder") == sent(factory, "call_closing_reminder", "7d")
    assert len(factory.outbox("call_closing_reminder")) == 2


def test_a_first_run_the_day_before_the_close_sends_only_the_day_before_reminder(factory):
    draft = call_with_draft(factory)

    run_tick(draft.call.closes_at - timedelta(hours=20))

    assert sent(factory, "call_closing_reminder", "1d") == emails(draft.lead, draft.partner)
    assert sent(factory, "call_closing_reminder", "7d") == []
    assert len(factory.outbox("call_closing_reminder")) == 2


def test_someone_who_turned_reminders_off_gets_none_but_still_gets_the_submission_receipt(factory):
    call = factory.call(closes_local=four_pm_in(30))
    application = factory.complete_application(call)
    lead = application.lead_applicant
    partner = next(m.user for m in application.members if m.user_id != lead.id)
    partner.email_reminders = False
    factory.session.flush()

    run_tick(call.closes_at - timedelta(days=7) + MINUTE)
    run_tick(call.closes_at - timedelta(days=1) + MINUTE)

    assert sent(factory, "call_closing_reminder") == [lead.email, lead.email]
    submit_application(lead, application.id, utcnow())
    assert sent(factory, "application_submitted") == emails(lead, partner)


def test_moving_the_closing_time_later_starts_the_reminders_afresh(factory):
    draft = call_with_draft(factory)
    old_close = draft.call.closes_at
    day_before_old = old_close - timedelta(days=1) + MINUTE
    run_tick(day_before_old)
    assert sent(factory, "call_closing_reminder", "1d") == emails(draft.lead, draft.partner)

    details = details_of(draft.call)
    details.closes_local += timedelta(days=3)
    update_call(officer_of(factory, draft.call), draft.call, details)
    factory.session.flush()
    new_close = draft.call.closes_at
    assert new_close > old_close

    run_tick(day_before_old)
    run_tick(day_before_old + MINUTE)

    fresh = [
        m for m in factory.outbox("call_closing_reminder") if m.context["closes_at"] == new_close.isoformat()
    ]
    assert sorted(m.recipient_email for m in fresh) == emails(draft.lead, draft.partner)
    assert {milestone_of(m) for m in fresh} == {"7d"}

    run_tick(new_close - timedelta(days=1) + MINUTE)
    assert sent(factory, "call_closing_reminder", "1d") == sorted(2 * emails(draft.lead, draft.partner))
    assert len(factory.outbox("call_closing_reminder")) == 6


# --- opening and closing by the clock ----------------------------------------------------------


def test_a_call_published_ahead_of_its_opening_time_opens_at_that_time_once(factory):
    call = factory.call(opens_local=datetime.combine(date.today() + timedelta(days=2), time(9)))
    unpublished = factory.call(open_it=False)
    assert call.state == "open" and call.opened_at is None

    assert run_tick(call.opens_at - MINUTE).opened == []
    assert call.opened_at is None and opening_events(factory, call) == 0

    assert run_tick(call.opens_at).opened == [call.id]
    assert call.opened_at == call.opens_at
    assert opening_events(factory, call) == 1

    assert run_tick(call.opens_at + MINUTE).opened == []
    assert call.opened_at == call.opens_at
    assert opening_events(factory, call) == 1
    assert unpublished.state == "draft" and unpublished.opened_at is None


def test_an_open_call_closes_once_its_closing_time_has_come(factory):
    call = factory.call(closes_local=four_pm_in(30))

    assert run_tick(call.closes_at - MINUTE).closed == []
    assert call.state == "open"

    assert run_tick(call.closes_at).closed == [call.id]
    assert call.state == "closed" and call.closed_at == call.closes_at
    assert run_tick(call.closes_at + MINUTE).closed == []


# --- reviews -----------------------------------------------------------------------------------


def test_a_reviewer_who_accepted_is_reminded_before_the_due_time_and_once_when_late(factory):
    setup = reviewers_in_every_state(factory)
    due = setup.call.review_due_at

    run_tick(due - timedelta(days=7) + MINUTE)
    run_tick(due - timedelta(days=7) + 2 * MINUTE)
    assert sent(factory, "review_reminder") == [setup.waiting.email]

    run_tick(due - timedelta(days=1) + MINUTE)
    run_tick(due - timedelta(days=1) + 2 * MINUTE)
    assert sent(factory, "review_reminder", "1d") == [setup.waiting.email]
    assert sent(factory, "review_overdue") == []

    run_tick(due + MINUTE)
    run_tick(due + timedelta(days=1))
    run_tick(due + timedelta(days=8))
    assert sent(factory, "review_overdue") == [setup.waiting.email]
    assert sent(factory, "review_reminder") == [setup.waiting.email] * 2
    reminded = {
        m.recipient_email for m in factory.outbox() if m.template in ("review_reminder", "review_overdue")
    }
    assert reminded.isdisjoint(person.email for person in setup.others)


# --- awards ------------------------------------------------------------------------------------


def test_lead_investigators_are_reminded_to_accept_until_they_have(factory):
    award = factory.award(accept=False)
    first, second = (member.user for member in lead_members(award.application))
    expires = award.offer_expires_at

    run_tick(expires - timedelta(days=7) + MINUTE)
    assert sent(factory, "acceptance_reminder", "7d") == emails(first, second)

    accept_agreement(first, award, expires - timedelta(days=3))
    factory.session.flush()
    run_tick(expires - timedelta(days=1) + MINUTE)
    run_tick(expires - timedelta(days=1) + 2 * MINUTE)
    run_tick(expires + MINUTE)

    assert sent(factory, "acceptance_reminder", "1d") == [second.email]
    assert len(factory.outbox("acceptance_reminder")) == 3


def test_the_team_is_reminded_of_a_report_before_it_is_due_and_once_when_it_is_late(factory):
    award = factory.award()
    deadline = end_of_due_day(progress_report(award))
    team_emails = team_of(award)
    assert len(team_emails) == 2

    for moment in (
        deadline - timedelta(days=14) + MINUTE,
        deadline - timedelta(days=14) + 2 * MINUTE,
        deadline - timedelta(days=2) + MINUTE,
        deadline - MINUTE,
    ):
        run_tick(moment)
    assert sent(factory, "report_due_reminder", "14d") == team_emails
    assert sent(factory, "report_due_reminder", "2d") == team_emails
    assert sent(factory, "report_overdue") == []

    for moment in (deadline + MINUTE, deadline + timedelta(days=3), deadline + timedelta(days=8)):
        run_tick(moment)
    assert sent(factory, "report_overdue") == team_emails
    assert len(factory.outbox("report_due_reminder")) == 4


def test_a_submitted_or_accepted_report_is_not_chased_but_one_sent_back_is(factory):
    award = factory.award()
    progress = progress_report(award)
    deadline = end_of_due_day(progress)
    lead = award.application.lead_applicant
    officer = officer_of(factory, award.call)
    save_report(lead, progress, summary="Year one went to plan.", outcomes="A dataset.", problems="")
    submit_report(lead, progress, deadline - timedelta(days=20))

    run_tick(deadline - timedelta(days=14) + MINUTE)
    assert sent(factory, "report_due_reminder") == []

    review_report(
        officer, progress, accept=False, note="Add the China site.", now=deadline - timedelta(days=5)
    )
    factory.session.flush()
    run_tick(deadline - timedelta(days=2) + MINUTE)
    assert sent(factory, "report_due_reminder", "2d") == team_of(award)

    submit_report(lead, progress, deadline - timedelta(days=1))
    review_report(officer, progress, accept=True, note="", now=deadline - timedelta(hours=12))
    factory.session.flush()
    run_tick(deadline + MINUTE)
    assert progress.state == "accepted"
    assert sent(factory, "report_overdue") == []
    assert len(factory.outbox("report_due_reminder")) == 2


def test_a_report_is_late_from_midnight_after_its_due_day_in_the_call_s_zone(factory):
    award = factory.award(time_zone="Asia/Shanghai")
    progress = progress_report(award)
    midnight_in_shanghai = datetime.combine(progress.due_date, time(16), tzinfo=UTC)

    run_tick(midnight_in_shanghai - MINUTE)
    assert sent(factory, "report_due_reminder", "2d") == team_of(award)
    assert sent(factory, "report_overdue") == []

    run_tick(midnight_in_shanghai + MINUTE)
    assert sent(factory, "report_overdue") == team_of(award)


def test_lateness_older_than_a_week_is_not_chased_when_the_tick_first_sees_it(factory):
    setup = reviewers_in_every_state(factory)
    award = factory.award()
    deadline = end_of_due_day(progress_report(award))

    a_week_and_a_minute = timedelta(days=7) + MINUTE
    run_tick(setup.call.review_due_at + a_week_and_a_minute)
    run_tick(deadline + a_week_and_a_minute)

    assert sent(factory, "review_overdue") == [] and sent(factory, "review_reminder") == []
    assert sent(factory, "report_overdue") == [] and sent(factory, "report_due_reminder") == []


# --- the officers' digest ----------------------------------------------------------------------


def test_an_officer_gets_one_digest_a_day_from_eight_in_their_zone_while_something_is_late(factory):
    setup = reviewers_in_every_state(factory)
    officer = factory.officer(time_zone="Asia/Shanghai")
    uninterested = factory.officer(time_zone="Asia/Shanghai", email_digests=False)
    day = setup.call.review_due_at.astimezone(SHANGHAI).date() + timedelta(days=2)

    run_tick(at_shanghai(day, 7, 59))
    assert digests_to(factory, officer) == []

    run_tick(at_shanghai(day, 8))
    (digest,) = digests_to(factory, officer)
    assert digest.context["on"] == day.isoformat()
    assert [(item["call"], item["count"]) for item in digest.context["late_reviews"]] == [
        (setup.call.title, 1)
    ]
    assert digest.context["overdue_reports"] == [] and digest.context["failed_emails"] == 0

    run_tick(at_shanghai(day, 20))
    assert len(digests_to(factory, officer)) == 1

    run_tick(at_shanghai(day + timedelta(days=1), 8, 30))
    assert [m.context["on"] for m in digests_to(factory, officer)] == [
        day.isoformat(),
        (day + timedelta(days=1)).isoformat(),
    ]
    assert digests_to(factory, uninterested) == []


def test_no_digest_goes_while_nothing_is_late(factory):
    setup = reviewers_in_every_state(factory)
    factory.officer(time_zone="Asia/Shanghai")
    day_before_due = setup.call.review_due_at.astimezone(SHANGHAI).date() - timedelta(days=1)

    run_tick(at_shanghai(day_before_due, 9))
    run_tick(at_shanghai(day_before_due, 23, 59))

    assert factory.outbox("officer_digest") == []


def test_the_digest_lists_overdue_reports_and_undelivered_emails(factory):
    award = factory.award()
    progress = progress_report(award)
    officer = factory.officer(time_zone="Asia/Shanghai")
    factory.outbox()[0].state = OutboxState.FAILED
    factory.session.flush()

    run_tick(at_shanghai(progress.due_date + timedelta(days=3), 9))

    (digest,) = digests_to(factory, officer)
    assert digest.context["late_reviews"] == []
    assert [
        (item["reference"], item["report_kind"], item["report_number"], item["due_on"])
        for item in digest.context["overdue_reports"]
    ] == [(award.reference, progress.kind, progress.sequence, progress.due_date.isoformat())]
    assert digest.context["failed_emails"] == 1
    email = factory.render(digest)
    assert "1 report is overdue" in email and "1 email could not be delivered" in email
    assert digest.context["overdue_reports"][0]["link"] in email


# --- what the emails say -----------------------------------------------------------------------


def test_a_closing_reminder_links_to_the_application_and_gives_the_close_in_the_reader_s_zone(factory):
    draft = call_with_draft(factory, partner_zone="Asia/Shanghai")
    closes_at = draft.call.closes_at
    run_tick(closes_at - timedelta(days=7) + MINUTE)
    (to_partner,) = factory.outbox("call_closing_reminder", recipient=draft.partner.email)
    (to_lead,) = factory.outbox("call_closing_reminder", recipient=draft.lead.email)

    partner_email = factory.render(to_partner)
    shanghai_day, shanghai_time = written_in(SHANGHAI, closes_at)
    assert f"{shanghai_day} {shanghai_time}" in partner_email
    assert "16:00" not in partner_email
    assert f"http://localhost/applications/{draft.application.id}" in partner_email
    assert "{{" not in partner_email

    lead_email = factory.render(to_lead)
    london_day, london_time = written_in(ZoneInfo("Europe/London"), closes_at)
    assert london_time == "16:00" and f"{london_day} 16:00" in lead_email
    assert to_lead.context["link"] in lead_email


def test_review_and_acceptance_reminders_give_their_deadlines_in_the_reader_s_zone(factory):
    setup = reviewers_in_every_state(factory, waiting_zone="Asia/Shanghai")
    due = setup.call.review_due_at
    run_tick(due - timedelta(days=1) + MINUTE)
    (review,) = factory.outbox("review_reminder")
    review_email = factory.render(review)
    assert " ".join(written_in(SHANGHAI, due)) in review_email
    assert review.context["link"] in review_email and "/reviews/" in review.context["link"]

    award = factory.award(accept=False)
    partner = next(m.user for m in lead_members(award.application) if m.country == "CN")
    partner.time_zone = "Asia/Shanghai"
    factory.session.flush()
    run_tick(award.offer_expires_at - timedelta(days=1) + MINUTE)
    (offer,) = factory.outbox("acceptance_reminder", recipient=partner.email)
    offer_email = factory.render(offer)
    assert " ".join(written_in(SHANGHAI, award.offer_expires_at)) in offer_email
    assert f"http://localhost/awards/{award.id}" in offer_email


def test_moving_the_close_within_its_day_sends_no_second_round(factory):
    draft = call_with_draft(factory)
    closes_at = draft.call.closes_at
    run_tick(closes_at - timedelta(hours=20))
    before = len(factory.outbox("call_closing_reminder"))

    draft.call.closes_at = closes_at + timedelta(hours=1)  # 16:00 becomes 17:00 the same day
    factory.session.flush()
    run_tick(closes_at - timedelta(hours=19))

    assert before == 2 and len(factory.outbox("call_closing_reminder")) == before


def test_a_part_of_the_tick_that_fails_does_not_stop_the_others(factory, monkeypatch):
    draft = call_with_draft(factory)

    def broken(_now):
        raise RuntimeError("a time zone this server does not know")

    monkeypatch.setattr(tick, "REMINDERS", (broken, *tick.REMINDERS))
    report = run_tick(draft.call.closes_at - timedelta(hours=20))

    assert report.failed == ["broken"]
    assert sent(factory, "call_closing_reminder", "1d") == emails(draft.lead, draft.partner)
