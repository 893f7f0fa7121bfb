"""Browsing the audit log: filters read from a query string, one page of events, the filter choices,
and the changes of an event as readable lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, lazyload

from grants.accounts.models import User
from grants.audit.models import AuditEvent
from grants.audit.redaction import reviewer_events_visible
from grants.extensions import db
from grants.numbers import whole_number

PER_PAGE = 50
SYSTEM_ACTOR = "system"
MAX_PAGE = 100_000  # keeps the offset within what every database accepts
MAX_TEXT = 200  # longest actor or action text worth matching
MAX_VALUE_CHARS = 160  # a changed value longer than this (programme terms, say) is shortened
# Keys whose value is a list of names, not an [old, new] pair (the draft services record which
# fields or questions changed this way); a two-name list must not read as "title → abstract".
NAME_LIST_KEYS = frozenset({"fields", "questions"})


@dataclass(frozen=True)
class AuditFilters:
    """What the log is narrowed to. Dates are whole days in the viewer's time zone, both inclusive."""

    subject_type: str | None = None
    subject_id: int | None = None
    actor: str | None = None  # part of an email or full name, or "system" for events without an actor
    action: str | None = None  # a prefix: "award." or "award.extended"
    date_from: date | None = None
    date_to: date | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as query-string values, for pagination links."""
        values = {
            "type": self.subject_type,
            "id": str(self.subject_id) if self.subject_id is not None else None,
            "actor": self.actor,
            "action": self.action,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        return {key: value for key, value in values.items() if value}


def parse_filters(args: Mapping[str, str]) -> tuple[AuditFilters, dict[str, str]]:
    """Read the filters from query-string values. A value that cannot be used is left out of the
    filters and explained in ``problems`` (query-string name -> message), so the page still shows
    the rest."""
    problems: dict[str, str] = {}
    subject_id = _parse_id(_text(args, "id"), problems)
    date_from = _parse_date(_text(args, "from"), "from", problems)
    date_to = _parse_date(_text(args, "to"), "to", problems)
    if date_from and date_to and date_from > date_to:
        problems["from"] = _("The From date is after the To date, so neither date was applied.")
        date_from = date_to = None
    filters = AuditFilters(
        subject_type=_text(args, "type") or None,
        subject_id=subject_id,
        actor=_text(args, "actor") or None,
        action=_text(args, "action") or None,
        date_from=date_from,
        date_to=date_to,
    )
    return filters, problems


def _text(args: Mapping[str, str], name: str) -> str:
    return (args.get(name) or "").strip()[:MAX_TEXT]


def _parse_id(value: str, problems: dict[str, str]) -> int | None:
    if not value:
        return None
    number = whole_number(value)
    if number:  # ids start at 1
        return number
    problems["id"] = _("Object id must be a whole number, like 42; “%(value)s” was ignored.", value=value)
    return None


def _parse_date(value: str, field: str, problems: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        # One whole sentence per field, so that a translation can place the field's name freely.
        if field == "from":
            problems[field] = _("From must be a date like 2018-03-31; “%(value)s” was ignored.", value=value)
        else:
            problems[field] = _("To must be a date like 2018-03-31; “%(value)s” was ignored.", value=value)
        return None


def _start_of_day(day: date, zone: ZoneInfo) -> datetime | None:
    """Midnight at the start of ``day`` in ``zone``, or None past the calendar's ends."""
    try:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(ZoneInfo("UTC"))
    except OverflowError:
        return None


def _filtered(filters: AuditFilters, zone: ZoneInfo) -> Select[tuple[AuditEvent]]:
    statement = select(AuditEvent)
    if filters.subject_type:
        statement = statement.where(AuditEvent.subject_type == filters.subject_type)
    if filters.subject_id is not None:
        statement = statement.where(AuditEvent.subject_id == filters.subject_id)
    if filters.actor:
        if filters.actor.lower() == SYSTEM_ACTOR:
            statement = statement.where(AuditEvent.actor_id.is_(None))
        else:
            needle = filters.actor.lower()
            statement = statement.where(
                AuditEvent.actor.has(
                    or_(
                        func.lower(User.email).contains(needle, autoescape=True),
                        func.lower(User.full_name).contains(needle, autoescape=True),
                    )
                )
            )
    if filters.action:
        statement = statement.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.date_from and (start := _start_of_day(filters.date_from, zone)):
        statement = statement.where(AuditEvent.occurred_at >= start)
    if filters.date_to and filters.date_to < date.max:
        end = _start_of_day(filters.date_to + timedelta(days=1), zone)
        if end is not None:
            statement = statement.where(AuditEvent.occurred_at < end)
    return statement


def audit_page(
    viewer: User, filters: AuditFilters, zone: ZoneInfo, page: int = 1, per_page: int = PER_PAGE
) -> Pagination:
    """One page of the events the filters match that ``viewer`` may see (see ``redaction``),
    newest first, each with its actor. Two queries (the count and the page) whatever the page size."""
    statement = (
        _filtered(filters, zone)
        .where(reviewer_events_visible(viewer))
        # The page reads the actor's name and email only; leave their roles and institution unloaded.
        .options(joinedload(AuditEvent.actor).options(lazyload(User.role_rows), lazyload(User.institution)))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    return db.paginate(statement, page=min(max(page, 1), MAX_PAGE), per_page=per_page, error_out=False)


# What each kind of object is called on the page; the filter keeps the stored (model) name.
SUBJECT_LABELS = {
    "Application": _l("Application"),
    "Award": _l("Award"),
    "Call": _l("Call"),
    "Funder": _l("Funder"),
    "Programme": _l("Programme"),
    "ReviewAssignment": _l("Review invitation"),
    "ReviewerProfile": _l("Reviewer profile"),
    "AssignmentProposal": _l("Proposed assignment"),
    "User": _l("Account"),
    "RoleInvitation": _l("Role invitation"),
    "OutboxMessage": _l("Email message"),
    "Institution": _l("Institution"),
}


def subject_label(subject_type: str) -> str:
    return str(SUBJECT_LABELS.get(subject_type, subject_type))


def subject_types() -> list[str]:
    """Every kind of object the log has events about, for the filter's choices."""
    return list(
        db.session.scalars(select(AuditEvent.subject_type).distinct().order_by(AuditEvent.subject_type))
    )


def action_prefixes() -> list[str]:
    """The families of actions recorded ("award.", "call.", ...), for the filter's choices."""
    actions = db.session.scalars(select(AuditEvent.action).distinct())
    return sorted({action.split(".", 1)[0] + "." if "." in action else action for action in actions})


def change_lines(changes: Any) -> list[str]:
    """An event's changes as lines of text: ``{field: [old, new]}`` becomes "field: old → new",
    any other value "field: value"."""
    if not changes:
        return []
    if not isinstance(changes, Mapping):
        return [_value(changes)]
    lines = []
    for key, value in changes.items():
        label = str(key).replace("_", " ")
        if isinstance(value, list | tuple) and len(value) == 2 and key not in NAME_LIST_KEYS:
            old, new = value
            lines.append(f"{label}: {_value(old)} → {_value(new)}")
        else:
            lines.append(f"{label}: {_value(value)}")
    return lines


def _value(value: Any) -> str:
    """One value as plain text: nothing as a dash, yes/no for flags, lists and small mappings
    spelled out rather than shown as Python would print them."""
    if value is None or value == "":
        text = "—"
    elif isinstance(value, bool):
        text = _("yes") if value else _("no")
    elif isinstance(value, Mapping):
        text = "; ".join(f"{key}: {_value(item)}" for key, item in value.items()) or "—"
    elif isinstance(value, list | tuple):
        text = ", ".join(_value(item) for item in value) or "—"
    else:
        text = " ".join(str(value).split())  # multi-line text (terms, reasons) on one line
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1].rstrip() + "…"
