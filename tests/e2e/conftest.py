"""Browser tier: the app served as ``make run`` serves it, driven by Playwright in Debian's
chromium. Screenshots of every step go to ``test-artifacts/e2e/``."""

from pathlib import Path

import pytest

from tests.e2e.served import ServedGrants
from tests.services import require_chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    require_chromium()
    with ServedGrants(tmp_path_factory.mktemp("served")) as grants:
        yield grants


@pytest.fixture(scope="session")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed and "served" in item.funcargs:
        report.sections.append(("served app logs", item.funcargs["served"].logs()))
    return report


@pytest.fixture
def page(browser, served):
    """A fresh browser context; fails the test on any Content Security Policy violation."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, base_url=served.origin)
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert violations == [], violations


@pytest.fixture
def new_person(browser):
    """Opens another person's browser on the app at ``origin``; fails the test on any Content
    Security Policy violation in any of them."""
    contexts, violations = [], []

    def open_page(origin: str, locale: str = "en-GB"):
        context = browser.new_context(viewport={"width": 1200, "height": 900}, base_url=origin, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert violations == [], violations


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take
