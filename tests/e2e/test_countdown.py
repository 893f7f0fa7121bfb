"""The call page's countdown, read at chosen moments before the deadline with Playwright's clock."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect


def call_page_deadline(page) -> datetime:
    page.goto("/calls")
    page.get_by_role("link", name=re.compile("2018 Flagship Challenge")).click()
    return datetime.fromisoformat(page.locator("[data-countdown]").get_attribute("data-countdown"))


@pytest.mark.parametrize(
    ("before", "shown"),
    [
        (timedelta(days=4, hours=3, minutes=20), "4 days 3 hours"),
        (timedelta(days=4, minutes=59), "4 days"),
        (timedelta(days=1), "1 day"),
        (timedelta(hours=2, minutes=5, seconds=9), "2 hours 5 minutes 9 seconds"),
        (timedelta(hours=2, seconds=9), "2 hours"),
        (timedelta(seconds=42), "42 seconds"),
    ],
)
def test_the_countdown_names_the_largest_units_without_skipping_one(page, before, shown):
    deadline = call_page_deadline(page)
    page.clock.set_fixed_time(deadline - before)
    page.reload()
    expect(page.locator("[data-countdown]")).to_have_text(shown)


def test_the_countdown_says_closed_at_the_deadline(page):
    deadline = call_page_deadline(page)
    page.clock.set_fixed_time(deadline + timedelta(seconds=1))
    page.reload()
    expect(page.locator(".countdown")).to_have_text("Closed")


def test_the_countdown_speaks_chinese_to_a_chinese_browser(page):
    page.context.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    deadline = call_page_deadline(page)
    page.clock.set_fixed_time(deadline - timedelta(days=4, hours=3, minutes=20))
    page.reload()
    expect(page.locator("[data-countdown]")).to_have_text("4天 3小时")
    page.clock.set_fixed_time(deadline + timedelta(seconds=1))
    page.reload()
    expect(page.locator(".countdown")).to_have_text("已截止")
