"""The pure parts of the insight pages: chart geometry, shares, decision timing, timeline labels."""

import pytest

from grants.insights.charts import bar_chart, share
from grants.insights.services.decisions import timing_of
from grants.insights.services.timeline import AFTER, EARLIER, DayBucket


def test_bars_are_scaled_to_the_largest_value():
    chart = bar_chart("Status", [("Awarded", 50), ("Not funded", 200), ("Withdrawn", 0)])
    assert [bar.percent for bar in chart.bars] == [25.0, 100.0, 0.0]
    assert [bar.text for bar in chart.bars] == ["50", "200", "0"]


def test_a_single_item_among_thousands_still_shows():
    chart = bar_chart("Rush", [("Last day", 10_000), ("Early", 1)])
    assert chart.bars[1].percent == 0.5


def test_an_all_zero_chart_draws_no_bars():
    assert [bar.percent for bar in bar_chart("Empty", [("A", 0), ("B", 0)]).bars] == [0.0, 0.0]
    assert bar_chart("Nothing", []).bars == ()


def test_texts_short_labels_and_highlights_are_carried():
    chart = bar_chart(
        "Money",
        [("Requested", 5), ("Envelope", 10)],
        texts=["£5", "£10"],
        short_labels=["r", "e"],
        highlight=("Envelope",),
    )
    assert [(b.text, b.short_label, b.highlight) for b in chart.bars] == [
        ("£5", "r", False),
        ("£10", "e", True),
    ]


@pytest.mark.parametrize(
    ("part", "whole", "expected"), [(1, 3, 33.3), (0, 5, 0.0), (3, 0, None), (2, -1, None)]
)
def test_share_of_nothing_is_none(part, whole, expected):
    assert share(part, whole) == expected


def test_the_median_decision_is_weighted_by_how_many_went_out_each_day():
    # 3 released 50 days after the close, 1 at 58, 4 at 60: the 4th and 5th of 8 are 58 and 60.
    timing = timing_of(7, [(60, 4), (50, 3), (58, 1)])
    assert (timing.decisions, timing.first_days, timing.median_days, timing.last_days) == (8, 50, 58, 60)
    assert timing_of(7, [(12, 1)]).median_days == 12


@pytest.mark.parametrize(
    ("days_before", "label", "short"),
    [
        (0, "Last 24 hours", "1d"),
        (1, "1 to 2 days before", "2d"),
        (13, "13 to 14 days before", "14d"),
        (EARLIER, "Earlier than 14 days", "older"),
        (AFTER, "After the deadline (reopened and resubmitted)", "after"),
    ],
)
def test_day_buckets_name_themselves(days_before, label, short):
    bucket = DayBucket(days_before, 3)
    assert (bucket.label, bucket.short_label) == (label, short)
