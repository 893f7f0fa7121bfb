"""Insights in a real browser: the officer opens the portfolio from the menu, goes down to a
programme and to the demo's decided call, reads the charts' numbers, and downloads exports."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.demo_people import sign_in

pytestmark = pytest.mark.browser

OFFICER = "officer@ukri.example.org"
DECIDED_CALL = re.compile("2016 Flagship Challenge")


def chart_value(page, table_id: str, label: str) -> str:
    row = page.locator(f"#{table_id} tr", has=page.get_by_role("rowheader", name=label, exact=True))
    return row.locator("td.num").inner_text()


def test_an_officer_reads_the_dashboards_and_downloads_exports(page, shot):
    sign_in(page, OFFICER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    expect(page.locator(".figures")).to_contain_text("Collaborative projects supported")
    shot(page, "insights-10-portfolio")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Payments (CSV)").click()
    payments = list(csv.reader(io.StringIO(download_info.value.path().read_text("utf-8-sig"))))
    assert payments[0][:3] == ["Award reference", "Funder", "Currency"]
    assert len(payments) > 1

    page.get_by_role("link", name="Flagship Challenge Programme").first.click()
    expect(page.get_by_role("heading", name="Flagship Challenge Programme", level=1)).to_be_visible()
    shot(page, "insights-20-programme")

    page.get_by_role("link", name=DECIDED_CALL).first.click()
    expect(page.get_by_role("heading", name=DECIDED_CALL, level=1)).to_be_visible()
    assert chart_value(page, "chart-status", "Awarded") == "3"
    assert chart_value(page, "chart-reviews", "Submitted") == "10"
    expect(page.locator("#chart-timeline-title")).to_have_count(1)
    shot(page, "insights-30-call")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Applications (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("FCP-2016-applications-")
    sheet = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Reference" and len(rows) - 1 == int(
        page.locator(".figures dd").first.inner_text().split()[0]
    )


def test_the_dashboard_reads_well_on_a_phone(browser, served, shot):
    context = browser.new_context(viewport={"width": 360, "height": 780}, base_url=served.origin)
    page = context.new_page()
    sign_in(page, OFFICER)
    page.goto("/manage/insights")
    page.get_by_role("link", name=DECIDED_CALL).first.click()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
    shot(page, "insights-40-call-phone")
    context.close()
