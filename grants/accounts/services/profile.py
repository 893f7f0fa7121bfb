"""Editing one's own profile."""

from zoneinfo import available_timezones

from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import Institution, User
from grants.accounts.orcid import normalise_orcid
from grants.accounts.reference import countries
from grants.accounts.services.common import clean_name
from grants.accounts.services.language import check_language
from grants.audit.services import diff, record
from grants.errors import Conflict, ValidationError
from grants.extensions import db

PROFILE_FIELDS = (
    "full_name",
    "institution_id",
    "country",
    "orcid",
    "time_zone",
    "language",
    "email_reminders",
    "email_digests",
)


def update_profile(
    user: User,
    *,
    full_name: str,
    institution_id: int | None,
    country: str | None,
    orcid: str | None,
    time_zone: str,
    language: str,
    email_reminders: bool | None = None,
    email_digests: bool | None = None,
) -> dict[str, list]:
    """Validate and apply profile changes; returns the audited ``{field: [old, new]}``.
    An email preference left as None stays as it is."""
    wanted = {
        "full_name": clean_name(full_name),
        "institution_id": _checked_institution(institution_id),
        "country": _checked_country(country),
        "orcid": _checked_orcid(orcid, user),
        "time_zone": _checked_time_zone(time_zone),
        "language": check_language(language),
        "email_reminders": user.email_reminders if email_reminders is None else bool(email_reminders),
        "email_digests": user.email_digests if email_digests is None else bool(email_digests),
    }
    changes = diff({name: getattr(user, name) for name in PROFILE_FIELDS}, wanted)
    for name, (_old, new) in changes.items():
        setattr(user, name, new)
    if changes:
        record(user, "profile.updated", user, changes)
    return changes


def _checked_institution(institution_id: int | None) -> int | None:
    if institution_id in (None, 0):
        return None
    if db.session.get(Institution, institution_id) is None:
        raise ValidationError(_("Choose an institution from the list."), field="institution_id")
    return institution_id


def _checked_country(country: str | None) -> str | None:
    if not country:
        return None
    if country not in countries():
        raise ValidationError(_("Choose a country from the list."), field="country")
    return country


def _checked_orcid(raw: str | None, user: User) -> str | None:
    if not raw or not raw.strip():
        return None
    orcid = normalise_orcid(raw)
    if orcid is None:
        raise ValidationError(
            _(
                "This is not a valid ORCID iD: use the 16-character form 0000-0002-1825-0097 "
                "(the last character is a check digit)."
            ),
            field="orcid",
        )
    holder = db.session.scalar(select(User.id).where(User.orcid == orcid, User.id != user.id))
    if holder is not None:
        raise Conflict(_("Another account already uses this ORCID iD."), field="orcid")
    return orcid


def _checked_time_zone(time_zone: str) -> str:
    if time_zone not in available_timezones():
        raise ValidationError(_("Choose a time zone from the list."), field="time_zone")
    return time_zone

