"""Reference lists for profile fields: countries, time zones and interface languages."""

from functools import lru_cache
from zoneinfo import available_timezones

from babel import Locale
from babel.lists import format_list
from flask import has_app_context
from flask_babel import get_locale

# Each language is named in itself, so a reader who cannot read the current page still finds theirs.
LANGUAGES = {"en": "English", "zh_Hans": "简体中文"}
# Two-letter codes CLDR names that are not countries: unions, pseudo-locales and "unknown".
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
# Locales for dates and money: English is written the British way ("Saturday 5 December 2026").
FORMAT_LOCALES = {"en": "en_GB", "zh_Hans": "zh_Hans_CN"}
# The ``lang`` attribute of pages and of each language's own name.
HTML_LANG = {"en": "en", "zh_Hans": "zh-Hans"}


def reading_language() -> str:
    """The interface language of the page or email being rendered: "en" outside one."""
    if not has_app_context():
        return "en"
    locale = get_locale()
    code = f"{locale.language}_{locale.script}" if locale is not None and locale.script else str(locale)
    return code if code in LANGUAGES else "en"


def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 codes with their names in the reader's language, sorted by name."""
    return _countries(reading_language())


@lru_cache(maxsize=len(LANGUAGES))
def _countries(language: str) -> dict[str, str]:
    names = Locale.parse(language).territories
    english = Locale("en").territories
    codes = {code for code in english if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES}
    return dict(sorted(((code, names.get(code, english[code])) for code in codes), key=lambda item: item[1]))


@lru_cache(maxsize=1)
def time_zones() -> list[str]:
    return sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith("Etc/"))


def country_name(code: str | None) -> str:
    return countries().get(code or "", code or "")


def country_list(codes: list[str]) -> str:
    """ "United Kingdom, China" in English (as the pages always wrote it); "英国和中国" in Chinese."""
    names = [country_name(code) for code in codes]
    language = reading_language()
    if language == "en" or not names:
        return ", ".join(names)
    return format_list(names, locale=FORMAT_LOCALES[language])
