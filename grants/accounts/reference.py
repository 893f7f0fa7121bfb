"""Reference lists for profile fields: countries, time zones and interface languages."""

from functools import lru_cache
from zoneinfo import available_timezones

from babel import Locale

LANGUAGES = {"en": "English", "zh_Hans": "简体中文 (Simplified Chinese)"}


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 codes with English names, sorted by name."""
    territories = Locale("en").territories
    codes = {code: name for code, name in territories.items() if len(code) == 2 and code.isalpha()}
    codes.pop("ZZ", None)
    return dict(sorted(codes.items(), key=lambda item: item[1]))


@lru_cache(maxsize=1)
def time_zones() -> list[str]:
    return sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith("Etc/"))


def country_name(code: str | None) -> str:
    return countries().get(code or "", code or "")
