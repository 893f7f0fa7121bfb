"""Saying when a call closes in words people use: "16:00 London time (23:00 Beijing time)"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, get_timezone_location
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from grants.accounts.reference import reading_language
from grants.i18n import FORMAT_LOCALES

# Zones whose everyday name is not their city.
ZONE_NAMES = {"Asia/Shanghai": _l("Beijing"), "Asia/Chongqing": _l("Beijing"), "Etc/UTC": "UTC", "UTC": "UTC"}
COUNTDOWN_WINDOW = timedelta(days=7)


def date_locale() -> str | None:
    """The Babel locale to write dates in, or None for English (written the British way by strftime)."""
    language = reading_language()
    return None if language == "en" else FORMAT_LOCALES[language]


def zone_label(zone_name: str) -> str:
    if zone_name in ZONE_NAMES:
        return str(ZONE_NAMES[zone_name])
    locale_name = date_locale()
    if locale_name is not None:
        try:
            return get_timezone_location(zone_name, locale=locale_name, return_city=True)
        except LookupError:
            pass
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True)
class ZonedTime:
    when: datetime
    zone_name: str

    @property
    def local(self) -> datetime:
        return self.when.astimezone(ZoneInfo(self.zone_name))

    @property
    def text(self) -> str:
        """ "16:00 London time, Thursday 14 June 2018"."""
        locale_name = date_locale()
        day = (
            format_date(self.local, "full", locale=locale_name)
            if locale_name
            else f"{self.local:%A %d %B %Y}"
        )
        return _(
            "%(time)s %(zone)s time, %(date)s",
            time=f"{self.local:%H:%M}",
            zone=zone_label(self.zone_name),
            date=day,
        )

    @property
    def short(self) -> str:
        """ "16:00 London time"."""
        return _("%(time)s %(zone)s time", time=f"{self.local:%H:%M}", zone=zone_label(self.zone_name))

    @property
    def day(self) -> str:
        """The day without the year, for a time whose date differs from the call's: "Fri 15 Jun"."""
        locale_name = date_locale()
        return (
            format_skeleton("MMMEd", self.local, locale=locale_name)
            if locale_name
            else f"{self.local:%a %d %b}"
        )

    @property
    def stamp(self) -> str:
        """Date and time in the call's zone for officers: "14 Jun 2018, 16:00"."""
        locale_name = date_locale()
        if locale_name:
            return f"{format_skeleton('yMMMd', self.local, locale=locale_name)} {self.local:%H:%M}"
        return f"{self.local:%d %b %Y, %H:%M}"


def deadline_views(when: datetime, call_zone: str, viewer_zone: str | None) -> list[ZonedTime]:
    """The time in the call's zone, then in the viewer's when that differs in wall-clock terms."""
    views = [ZonedTime(when, call_zone)]
    if viewer_zone and viewer_zone != call_zone:
        other = ZonedTime(when, viewer_zone)
        if other.local.utcoffset() != views[0].local.utcoffset():
            views.append(other)
    return views


def time_left(until: datetime, now: datetime) -> str:
    """ "3 days 4 hours", "5 hours 12 minutes", "40 minutes": the server-side countdown text."""
    remaining = until - now
    if remaining <= timedelta(0):
        return _("closed")
    days, rest = divmod(int(remaining.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [
        ngettext("%(num)d day", "%(num)d days", days) if days else "",
        ngettext("%(num)d hour", "%(num)d hours", hours) if hours else "",
        ngettext("%(num)d minute", "%(num)d minutes", minutes) if minutes else "",
    ]
    shown = [part for part in parts if part][:2]
    return " ".join(shown) or _("less than a minute")


def in_final_days(until: datetime, now: datetime) -> bool:
    return timedelta(0) < until - now <= COUNTDOWN_WINDOW
