"""Naming the browser behind a session from its User-Agent, and masking an email address."""

import pytest

from grants.accounts.services.email_change import mask_email
from grants.accounts.services.user_agents import describe_user_agent

WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)"


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Windows",
        ),
        (
            f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {WEBKIT} Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge on Windows",
        ),
        (f"Mozilla/5.0 (X11; Linux x86_64) {WEBKIT} Chrome/131.0 Safari/537.36", "Chrome on Linux"),
        (
            f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) {WEBKIT} Chrome/131.0 Safari/537.36 OPR/115.0",
            "Opera on macOS",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile Safari/604.1",
            "Safari on iOS",
        ),
        (
            f"Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) {WEBKIT} CriOS/131.0 Mobile Safari/604.1",
            "Chrome on iOS",
        ),
        (
            f"Mozilla/5.0 (Linux; Android 14) {WEBKIT} SamsungBrowser/26.0 Chrome/122.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        (
            f"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) {WEBKIT} Chrome/131.0 Safari/537.36",
            "Chrome on ChromeOS",
        ),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
        (None, "Unknown browser"),
    ],
)
def test_common_browsers_are_named(agent, name):
    assert describe_user_agent(agent) == name


def test_an_address_is_masked_to_its_first_letter_and_domain():
    assert mask_email("new.person@example.org") == "n***@example.org"
