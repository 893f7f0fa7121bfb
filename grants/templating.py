"""Jinja filters and globals: dates in the viewer's zone, role names, country names."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user

from grants.accounts.reference import LANGUAGES, country_name
from grants.accounts.roles import Role
from grants.markdown_text import render_markdown
from grants.money import format_money
from grants.security.policy import STAFF, Access
from grants.text_limits import count_words
from grants.timeutil import DEFAULT_ZONE, utcnow


def viewer_zone() -> ZoneInfo:
    zone = getattr(current_user, "time_zone", None) or DEFAULT_ZONE
    return ZoneInfo(zone)


def local_time(value: datetime | None, fmt: str = "%d %b %Y, %H:%M %Z") -> str:
    if value is None:
        return ""
    return value.astimezone(viewer_zone()).strftime(fmt)


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["words"] = count_words
    app.jinja_env.globals.update(
        Role=Role,
        LANGUAGES=LANGUAGES,
        is_staff=lambda: STAFF.decide(current_user) is Access.ALLOW,
    )
    app.context_processor(lambda: {"now": utcnow()})
