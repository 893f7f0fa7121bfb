"""A readable name for the browser behind a session ("Firefox on Windows"), from its User-Agent.

Only the common browsers and systems are told apart; anything else is "Unknown browser". Order
matters: Edge, Opera and Samsung Internet all claim to be Chrome, Chrome claims to be Safari, and
iPhones and Android phones claim to be Mac and Linux.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

BROWSERS = (
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"SamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/"), "Chrome"),
    (re.compile(r"Safari/"), "Safari"),
)
SYSTEMS = (
    (re.compile(r"iPhone|iPad|iPod"), "iOS"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Mac OS X|Macintosh"), "macOS"),
    (re.compile(r"Linux|X11"), "Linux"),
)
UNKNOWN_BROWSER = _l("Unknown browser")


def _first_match(patterns: tuple, text: str) -> str | None:
    return next((name for pattern, name in patterns if pattern.search(text)), None)


def describe_user_agent(user_agent: str | None) -> str:
    """ "Firefox on Windows", "Safari on iOS", "Chrome" (system unknown) or "Unknown browser"."""
    text = user_agent or ""
    browser = _first_match(BROWSERS, text)
    system = _first_match(SYSTEMS, text)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    if browser or system:
        return browser or system
    return str(UNKNOWN_BROWSER)
