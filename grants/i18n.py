"""Languages and local times with Flask-Babel.

Catalogues live in ``grants/translations`` as ``.po`` files; the build compiles them (``make``
runs ``pybabel compile``), binaries are never committed. A page follows the signed-in person's
language, else the one chosen with the switcher (kept in the session), else the browser's; an
email is rendered in its recipient's language (``force_locale``).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_name
from flask import Flask, has_request_context, request, session
from flask_babel import gettext
from flask_login import current_user

from grants.accounts.reference import FORMAT_LOCALES, LANGUAGES, reading_language
from grants.extensions import babel

SESSION_KEY = "language"


def select_locale() -> str:
    if not has_request_context():
        return "en"
    language = getattr(current_user, "language", None)
    if language in LANGUAGES:
        return language
    if session.get(SESSION_KEY) in LANGUAGES:
        return session[SESSION_KEY]
    return "zh_Hans" if request.accept_languages.best_match(["en", "zh"]) == "zh" else "en"


def format_moment(moment: datetime, zone: str, language: str) -> str:
    """A deadline as its reader should see it: their language, their zone, the zone named."""
    local = moment.astimezone(ZoneInfo(zone))
    locale = FORMAT_LOCALES.get(language, "en_GB")
    pattern = "{} {}\uff08{}\uff09" if language.startswith("zh") else "{} {} ({})"  # full-width in Chinese
    return pattern.format(
        format_date(local, "full", locale=locale),
        format_time(local, "HH:mm", locale=locale),
        get_timezone_name(local, locale=locale),
    )


def format_day(day: date, language: str) -> str:
    return format_date(day, "long", locale=FORMAT_LOCALES.get(language, "en_GB"))


# English days keep the strftime patterns the pages always used; Chinese gets CLDR's lengths.
ENGLISH_DAYS = {"long": "%d %B %Y", "medium": "%d %b %Y"}


def reader_day(day: date, length: str = "long") -> str:
    """A day as the page's reader writes it: "05 December 2026" ("05 Dec 2026" for ``medium``),
    "2026年12月5日" in Chinese. A datetime gives its own calendar day, unconverted."""
    language = reading_language()
    if language == "en":
        return day.strftime(ENGLISH_DAYS[length])
    return format_date(day, length, locale=FORMAT_LOCALES[language])


def reader_moment(moment: datetime, zone: str) -> str:
    """A deadline in ``zone`` for the page's reader: "05 December 2026 at 17:00 GMT" in English."""
    language = reading_language()
    if language == "en":
        return moment.astimezone(ZoneInfo(zone)).strftime("%d %B %Y at %H:%M %Z")
    return format_moment(moment, zone, language)


def script_messages() -> dict[str, str]:
    """What grants.js writes on pages, in the reader's language, with ``{n}``-style slots the
    script fills. Each plural form is its own message (Chinese has one, English two). They travel
    in a data attribute because the content security policy forbids inline scripts."""
    return {
        "words": gettext("{words} of {limit} words"),
        "over": gettext("({over} over the limit)"),
        "closed": gettext("Closed"),
        "day": gettext("{n} day"),
        "days": gettext("{n} days"),
        "hour": gettext("{n} hour"),
        "hours": gettext("{n} hours"),
        "minute": gettext("{n} minute"),
        "minutes": gettext("{n} minutes"),
        "second": gettext("{n} second"),
        "seconds": gettext("{n} seconds"),
        "browserTime": gettext("({time} {place} time, {day})"),
        "beijing": gettext("Beijing"),
        "saving": gettext("Saving…"),
        "saved": gettext("Saved at {time}"),
        "notSaved": gettext("Not saved: {reasons}"),
        "offline": gettext(
            "Not saved yet: no connection. Your text stays on this page; saving again shortly."
        ),
        "signedOut": gettext("Not saved: you have been signed out. Your text is kept in this browser."),
    }


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
