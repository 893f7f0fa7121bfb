"""Fixtures shared by every tier."""

from collections import Counter

import pytest

from grants import create_app


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


def build_app(instance_dir, **overrides):
    return create_app("testing", {"INSTANCE_PATH": str(instance_dir), **overrides})


def pytest_terminal_summary(terminalreporter):
    """One line per skip reason (a missing service skips dozens of tests for the same reason)."""
    reasons = Counter(
        report.longrepr[2].removeprefix("Skipped: ")
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple)
    )
    if reasons:
        terminalreporter.section("skipped, by reason")
        for reason, count in reasons.most_common():
            terminalreporter.line(f"{count:5d}  {reason}")
