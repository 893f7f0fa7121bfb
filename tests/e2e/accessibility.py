"""Accessibility checks with axe-core (from the npm registry, ``make test`` installs it), run by
Playwright in the page under test.

The script is handed to the page through the DevTools protocol (``page.evaluate``), which the
content security policy does not govern, so the pages keep their policy (no inline scripts) while
they are checked.
"""

import os
from functools import cache
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}


@cache
def axe_source() -> str:
    if not AXE.exists():
        reason = f"axe-core is not installed ({AXE}): run `make test`, which runs `npm ci`"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text()


def serious_violations(page) -> list[str]:
    """axe's serious and critical findings on the page as it stands, one line per element."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(axe_source())
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def assert_accessible(page, step: str) -> None:
    found = serious_violations(page)
    assert not found, f"axe on {step} ({page.url}):\n" + "\n".join(found)
