"""Creating a call and changing its details. Times arrive as wall-clock times in the call's zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import User
from grants.audit.services import diff, record
from grants.calls.models import Call, Programme
from grants.calls.services.guards import require_content_editable, require_officer
from grants.calls.states import CallState
from grants.errors import Conflict, ValidationError
from grants.extensions import db
from grants.i18n import reader_day

PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
# Fixed once researchers apply: they plan their proposals (and anonymise them) around these.
STRUCTURE_FIELDS = ("min_duration_months", "max_duration_months", "requires_lead_per_country", "double_blind")


@dataclass
class CallDetails:
    """What an officer types into the call form. ``opens_local`` and friends are naive wall-clock
    times in ``time_zone``: "16:00 London time" is stored as the UTC instant it means that day."""

    title: str
    reference_prefix: str
    summary: str
    guidance: str
    time_zone: str
    opens_local: datetime
    closes_local: datetime
    min_duration_months: int
    max_duration_months: int
    reviews_required: int
    requires_lead_per_country: bool
    review_due_local: datetime | None = None
    double_blind: bool = False
    invites_bids: bool = False


def local_to_utc(value: datetime | None, zone_name: str, field: str = "opens_local") -> datetime | None:
    """The UTC instant a wall-clock time in ``zone_name`` means. Times the clock skips (spring
    forward) or shows twice (autumn back) are refused: a deadline must mean one instant."""
    if value is None:
        return None
    zone = ZoneInfo(zone_name)
    first, second = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        skipped = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value
        when = {"time": f"{value:%H:%M}", "date": reader_day(value), "zone": zone_name}
        if skipped:
            message = _(
                "%(time)s on %(date)s does not exist (the clocks go forward) in %(zone)s; "
                "choose another time.",
                **when,
            )
        else:
            message = _(
                "%(time)s on %(date)s happens twice (the clocks go back) in %(zone)s; choose another time.",
                **when,
            )
        raise ValidationError(message, field=field)
    return first.astimezone(UTC)


def details_of(call: Call) -> CallDetails:
    """The form's view of a stored call (times back in the call's zone, naive)."""

    def local(value: datetime | None) -> datetime | None:
        return value.astimezone(call.zone).replace(tzinfo=None) if value else None

    return CallDetails(
        title=call.title,
        reference_prefix=call.reference_prefix,
        summary=call.summary,
        guidance=call.guidance,
        time_zone=call.time_zone,
        opens_local=local(call.opens_at),
        closes_local=local(call.closes_at),
        min_duration_months=call.min_duration_months,
        max_duration_months=call.max_duration_months,
        reviews_required=call.reviews_required,
        requires_lead_per_country=call.requires_lead_per_country,
        review_due_local=local(call.review_due_at),
        double_blind=call.double_blind,
        invites_bids=call.invites_bids,
    )


def _checked_values(details: CallDetails, call_id: int | None) -> dict:
    title = (details.title or "").strip()
    if not title:
        raise ValidationError(_("Enter the call's title."), field="title")
    if len(title) > 200:
        raise ValidationError(_("Keep the title under 200 characters."), field="title")
    prefix = (details.reference_prefix or "").strip().upper()
    if not PREFIX_PATTERN.match(prefix) or len(prefix) > 24:
        raise ValidationError(_("Use capitals, digits and hyphens, like FCP-2018."), field="reference_prefix")
    clash = db.session.scalar(select(Call.id).where(Call.reference_prefix == prefix, Call.id != call_id))
    if clash is not None:
        raise Conflict(_("Another call uses this reference prefix."), field="reference_prefix")
    if details.time_zone not in available_timezones():
        raise ValidationError(_("Choose a time zone."), field="time_zone")
    opens_at = local_to_utc(details.opens_local, details.time_zone, "opens_local")
    closes_at = local_to_utc(details.closes_local, details.time_zone, "closes_local")
    if closes_at <= opens_at:
        raise ValidationError(_("The call must close after it opens."), field="closes_local")
    review_due_at = local_to_utc(details.review_due_local, details.time_zone, "review_due_local")
    if review_due_at is not None and review_due_at <= closes_at:
        raise ValidationError(_("Reviews can only be due after the call closes."), field="review_due_local")
    if not 1 <= details.min_duration_months <= details.max_duration_months <= 120:
        raise ValidationError(
            _("Durations run from 1 to 120 months, the shortest no longer than the longest."),
            field="max_duration_months",
        )
    if not 1 <= details.reviews_required <= 10:
        raise ValidationError(_("Ask for between 1 and 10 reviews."), field="reviews_required")
    return {
        "title": title,
        "reference_prefix": prefix,
        "summary": (details.summary or "").strip(),
        "guidance": (details.guidance or "").strip(),
        "time_zone": details.time_zone,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "review_due_at": review_due_at,
        "min_duration_months": details.min_duration_months,
        "max_duration_months": details.max_duration_months,
        "reviews_required": details.reviews_required,
        "requires_lead_per_country": bool(details.requires_lead_per_country),
        "double_blind": bool(details.double_blind),
        "invites_bids": bool(details.invites_bids),
    }


def create_call(actor: User, programme: Programme, details: CallDetails) -> Call:
    """A new call in draft: nobody outside the staff sees it until it is opened."""
    require_officer(actor)
    values = _checked_values(details, None)
    call = Call(programme=programme, state=CallState.DRAFT, created_by_id=actor.id, **values)
    db.session.add(call)
    record(actor, "call.created", call, {"title": [None, values["title"]]})
    return call


def update_call(actor: User, call: Call, details: CallDetails) -> Call:
    """Change a call's details. Once open, durations and the bilateral rule are fixed, because
    researchers are writing to them; titles, texts and dates can still be corrected."""
    require_content_editable(actor, call)
    values = _checked_values(details, call.id)
    before = {name: getattr(call, name) for name in values}
    if call.state != CallState.DRAFT:
        changed = [name for name in STRUCTURE_FIELDS if before[name] != values[name]]
        if changed:
            raise Conflict(
                _(
                    "Durations, the lead-per-country rule and double-blind review are fixed once a call "
                    "has opened."
                )
            )
    changes = diff(before, values)
    for name, value in values.items():
        setattr(call, name, value)
    if changes:
        record(actor, "call.updated", call, _printable(changes))
    return call


def _printable(changes: dict[str, list]) -> dict[str, list]:
    """Audit values as text; long Markdown is noted as changed rather than copied into the log."""
    return {
        key: ["…", "…"] if key in ("summary", "guidance") else [str(old), str(new)]
        for key, (old, new) in changes.items()
    }
