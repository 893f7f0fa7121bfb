"""Saying when a call closes in words people use: "16:00 London time (23:00 Beijing time)"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# Zones whose everyday name is not their city.
ZONE_NAMES = {"Asia/Shanghai": "Beijing", "Asia/Chongqing": "Beijing", "Etc/UTC": "UTC", "UTC": "UTC"}
COUNTDOWN_WINDOW = timedelta(days=7)


def zone_label(zone_name: str) -> str:
    return ZONE_NAMES.get(zone_name) or zone_name.rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True)
class ZonedTime:
    when: datetime
    zone_name: str

    @property
    def local(self) -> datetime:
        return self.when.astimezone(ZoneInfo(self.zone_name))

    @property
    def text(self) -> str:
        return f"{self.local:%H:%M} {zone_label(self.zone_name)} time, {self.local:%A %d %B %Y}"

    @property
    def short(self) -> str:
        return f"{self.local:%H:%M} {zone_label(self.zone_name)} time"


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
        return "closed"
    days, rest = divmod(int(remaining.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [f"{count} {unit}{'s' if count != 1 else ''}" for count, unit in parts if count][:2]
    return " ".join(shown) or "less than a minute"


def in_final_days(until: datetime, now: datetime) -> bool:
    return timedelta(0) < until - now <= COUNTDOWN_WINDOW
