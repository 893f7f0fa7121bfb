"""The accessibility check itself: axe-core, injected as the journey injects it, reports what it
should on a page built to fail, and nothing on a page built to pass, so a clean journey means
something."""

import pytest

from tests.e2e.accessibility import serious_violations

pytestmark = pytest.mark.browser

FAILING = """<!doctype html><html><head><title>Broken</title></head><body><main>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<form><input type="text" name="title"><button></button></form>
<p style="color:#bbb;background:#fff">Pale grey text on white.</p>
</main></body></html>"""

PASSING = """<!doctype html><html lang="en"><head><title>Fine</title></head><body><main>
<h1>A form</h1><form><label for="t">Project title</label><input id="t" name="title">
<button type="submit">Save</button></form></main></body></html>"""


def test_axe_reports_serious_problems_and_passes_a_clean_page(browser):
    page = browser.new_page()
    try:
        page.set_content(FAILING)
        found = "\n".join(serious_violations(page))
        for rule in ("image-alt", "label", "button-name", "color-contrast", "html-has-lang"):
            assert rule in found, f"{rule} not reported:\n{found}"
        page.set_content(PASSING)
        assert serious_violations(page) == []
    finally:
        page.close()
