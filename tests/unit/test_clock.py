"""The one clock, and the demo's way of setting it back while it seeds its history."""

from datetime import UTC, datetime, timedelta

from grants.timeutil import clock_at, utcnow


def test_the_clock_reads_the_set_back_moment_only_inside_the_block():
    moment = datetime(2025, 5, 30, 9, 0, tzinfo=UTC)
    with clock_at(moment):
        assert utcnow() == moment
        with clock_at(moment + timedelta(days=1)):
            assert utcnow() == moment + timedelta(days=1)
        assert utcnow() == moment
    assert utcnow() - datetime.now(UTC) < timedelta(seconds=1)
    assert utcnow().year >= 2026
