"""Render an outbox row as a MIME message in its recipient's language and time zone."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, gettext

from grants.i18n import format_day, format_moment
from grants.links import external_url
from grants.notifications.catalogue import EMAILS, ROLE_NAMES
from grants.notifications.models import OutboxMessage
from grants.notifications.plaintext import html_to_text
from grants.timeutil import DEFAULT_ZONE


def as_moment(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def email_context(message: OutboxMessage) -> dict[str, Any]:
    """The template's variables: the stored context plus helpers that write times and days
    for this recipient. Times are stored in UTC (ISO 8601) and localised only here."""
    zone = message.context.get("recipient_zone") or DEFAULT_ZONE
    language = message.language

    def when(value: str | datetime | None) -> str:
        return format_moment(as_moment(value), zone, language) if value else ""

    def day(value: str | date | None) -> str:
        if not value:
            return ""
        moment = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return format_day(moment, language)

    def role_name(value: str) -> str:
        return str(ROLE_NAMES.get(value, value))

    def report_name(kind: str, number: int) -> str:
        if kind == "final":
            return gettext("Final report")
        return gettext("Progress report %(number)s", number=number)

    kind = EMAILS[message.template]
    return {
        **message.context,
        "recipient_email": message.recipient_email,
        "when": when,
        "day": day,
        "role_name": role_name,
        "report_name": report_name,
        "preferences_link": external_url("accounts.profile") if kind.optional else None,
    }


def render_email(message: OutboxMessage) -> EmailMessage:
    """Build the MIME message: an HTML part from ``templates/emails/`` and a plain-text part
    derived from it, both in the recipient's language."""
    context = email_context(message)
    with force_locale(message.language or "en"):
        subject = str(EMAILS[message.template].subject)  # a lazy string: translated here
        html = render_template(f"emails/{message.template}.html", **context)
    email = EmailMessage()
    email["Subject"] = subject
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient_email
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message_id_for(message.message_key)
    email.set_content(html_to_text(html))
    email.add_alternative(html, subtype="html")
    return email


def message_id_for(key: str) -> str:
    """A Message-ID that is the same for every attempt at one message, so receivers dedupe."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@grants.mail>"
