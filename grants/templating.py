"""Jinja filters and globals: dates, money and country names for the reader, role names."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from grants.accounts.reference import HTML_LANG, LANGUAGES, country_list, country_name, reading_language
from grants.accounts.roles import Role
from grants.i18n import reader_day, script_messages
from grants.markdown_text import render_markdown
from grants.money import reader_money
from grants.reviews.models import system_reason_text
from grants.security.policy import STAFF, Access
from grants.text_limits import count_words
from grants.timeutil import DEFAULT_ZONE, utcnow

# The English strftime patterns templates use, and the CLDR length that says the same in Chinese.
DATE_LENGTHS = {"%d %b %Y": "medium", "%d %B %Y": "long"}


def viewer_zone() -> ZoneInfo:
    zone = getattr(current_user, "time_zone", None) or DEFAULT_ZONE
    return ZoneInfo(zone)


def local_time(value: datetime | None, fmt: str = "%d %b %Y, %H:%M %Z") -> str:
    """A moment in the viewer's zone. English keeps its strftime pattern; Chinese gets the
    matching CLDR date ("2026年12月5日") with the same 24-hour time and zone abbreviation."""
    if value is None:
        return ""
    local = value.astimezone(viewer_zone())
    if fmt in DATE_LENGTHS:
        return reader_day(local, DATE_LENGTHS[fmt])
    if reading_language() == "en":
        return local.strftime(fmt)
    return f"{reader_day(local, 'medium')} {local.strftime('%H:%M %Z')}"


def day(value: date | None, length: str = "medium") -> str:
    """A calendar day (no zone to convert): "05 Dec 2026", or "05 December 2026" when ``long``."""
    return "" if value is None else reader_day(value, length)


def language_switch_target() -> str:
    """Where the language switcher returns to: this page, query string included. A page that
    answered a form (a POST) goes back to the same address only if it can be read with a GET."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    try:
        current_app.url_map.bind("").match(request.path, method="GET")
    except HTTPException:
        return url_for("core.home")
    return request.path


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["country_list"] = country_list
    app.jinja_env.filters["money"] = reader_money
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["words"] = count_words
    app.jinja_env.filters["cancel_reason"] = system_reason_text
    app.jinja_env.globals.update(
        Role=Role,
        LANGUAGES=LANGUAGES,
        HTML_LANG=HTML_LANG,
        reading_language=reading_language,
        script_messages=script_messages,
        language_switch_target=language_switch_target,
        is_staff=lambda: STAFF.decide(current_user) is Access.ALLOW,
    )
    app.context_processor(lambda: {"now": utcnow()})
