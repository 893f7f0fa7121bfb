"""Days, moments and money on the award pages, in the reader's language.

English keeps the strftime patterns the pages always used ("05 December 2026", "05 Dec 2026");
Chinese gets the CLDR forms ("2026年12月5日") and writes yuan as "¥" (as the templates' ``money``
filter does). Award letters, audit records and email contexts stay in English and do not use these.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from grants.accounts.reference import reading_language
from grants.i18n import FORMAT_LOCALES, format_moment


def long_day(day: date) -> str:
    """ "05 December 2026" in English."""
    language = reading_language()
    if language == "en":
        return f"{day:%d %B %Y}"
    return format_date(day, "long", locale=FORMAT_LOCALES[language])


def short_day(day: date) -> str:
    """ "05 Dec 2026" in English."""
    language = reading_language()
    if language == "en":
        return f"{day:%d %b %Y}"
    return format_date(day, "medium", locale=FORMAT_LOCALES[language])


def moment_in(moment: datetime, zone: str) -> str:
    """ "05 December 2026 at 23:59 CST" in English: a deadline in the call's time zone."""
    language = reading_language()
    if language == "en":
        return moment.astimezone(ZoneInfo(zone)).strftime("%d %B %Y at %H:%M %Z")
    return format_moment(moment, zone, language)

