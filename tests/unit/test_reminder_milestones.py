"""Which reminder is due when: the latest milestone passed, only while the deadline is ahead."""

from datetime import UTC, datetime, timedelta

from grants.deadlines.milestones import CALL_CLOSING, OVERDUE_WINDOW, due_milestone, overdue_due

CLOSE = datetime(2026, 12, 10, 16, 0, tzinfo=UTC)


def name_at(now):
    milestone = due_milestone(CLOSE, now, CALL_CLOSING)
    return milestone.name if milestone else None


def test_nothing_is_due_before_the_first_milestone():
    assert name_at(CLOSE - timedelta(days=7, seconds=1)) is None


def test_each_milestone_is_due_from_its_moment():
    assert name_at(CLOSE - timedelta(days=7)) == "7d"
    assert name_at(CLOSE - timedelta(days=2)) == "7d"
    assert name_at(CLOSE - timedelta(days=1)) == "1d"
    assert name_at(CLOSE - timedelta(hours=2)) == "2h"
    assert name_at(CLOSE - timedelta(minutes=1)) == "2h"


def test_a_late_tick_catches_up_with_the_one_reminder_that_still_makes_sense():
    # Down from 8 days to 20 hours before the close: the 7-day reminder is stale, the 1-day one due.
    assert name_at(CLOSE - timedelta(hours=20)) == "1d"


def test_nothing_is_due_once_the_deadline_has_passed():
    assert name_at(CLOSE) is None
    assert name_at(CLOSE + timedelta(hours=3)) is None


def test_overdue_reminders_go_only_while_the_lateness_is_recent():
    assert not overdue_due(CLOSE, CLOSE - timedelta(seconds=1))
    assert overdue_due(CLOSE, CLOSE)
    assert overdue_due(CLOSE, CLOSE + OVERDUE_WINDOW - timedelta(seconds=1))
    assert not overdue_due(CLOSE, CLOSE + OVERDUE_WINDOW)
