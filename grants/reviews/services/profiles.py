"""A reviewer's own profile: expertise, load, collaborators and unavailable periods."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import User
from grants.accounts.orcid import normalise_orcid
from grants.accounts.services.common import normalise_email
from grants.audit.services import record
from grants.calls.models import CallPriorityArea
from grants.errors import NotFound, ValidationError
from grants.extensions import db
from grants.reviews.matching.affinity import split_keywords
from grants.reviews.models import Collaborator, ReviewerArea, ReviewerProfile, UnavailablePeriod

MAX_KEYWORDS = 30
MAX_STATEMENT_WORDS = 400
MAX_REVIEWS_LIMIT = 50


def profile_for(user: User) -> ReviewerProfile:
    """The user's profile, made empty on first use."""
    if user.reviewer_profile is None:
        user.reviewer_profile = ReviewerProfile(user_id=user.id)
        db.session.add(user.reviewer_profile)
        db.session.flush()
    return user.reviewer_profile


def known_area_names() -> list[str]:
    """Subject areas to choose from: every priority area any call has used."""
    names = db.session.scalars(select(CallPriorityArea.name).distinct())
    return sorted({name.strip() for name in names if name.strip()}, key=str.casefold)


def update_profile(
    actor: User, *, keywords: str, statement: str, areas: list[str], max_reviews_per_call: int
) -> ReviewerProfile:
    keyword_list = split_keywords(keywords)
    if not keyword_list:
        raise ValidationError(_("Give at least one expertise keyword."), field="keywords")
    if len(keyword_list) > MAX_KEYWORDS:
        raise ValidationError(_("Give at most %(num)s keywords.", num=MAX_KEYWORDS), field="keywords")
    if len(statement.split()) > MAX_STATEMENT_WORDS:
        raise ValidationError(
            _("Keep the research statement to %(num)s words.", num=MAX_STATEMENT_WORDS), field="statement"
        )
    if not 0 <= max_reviews_per_call <= MAX_REVIEWS_LIMIT:
        raise ValidationError(
            _("Choose between 0 and %(num)s reviews per call.", num=MAX_REVIEWS_LIMIT),
            field="max_reviews_per_call",
        )
    known = {name.casefold(): name for name in known_area_names()}
    unknown = [a for a in areas if a.casefold() not in known]
    if unknown:
        raise ValidationError(_("Unknown subject area: %(area)s.", area=unknown[0]), field="areas")
    profile = profile_for(actor)
    profile.keywords = ", ".join(keyword_list)
    profile.statement = statement.strip()
    profile.max_reviews_per_call = max_reviews_per_call
    chosen = {known[a.casefold()] for a in areas}
    profile.areas = [area for area in profile.areas if area.name in chosen] + [
        ReviewerArea(name=name) for name in sorted(chosen - set(profile.area_names))
    ]
    record(actor, "reviewer.profile_updated", profile)
    return profile


def add_collaborator(actor: User, *, name: str, email: str, orcid: str) -> Collaborator:
    name = " ".join(name.split())
    email = normalise_email(email) if email.strip() else ""
    if not name:
        raise ValidationError(_("Enter the collaborator's name."), field="name")
    if not email and not orcid.strip():
        raise ValidationError(
            _("Give an email address or an ORCID iD, so the person can be recognised."), field="email"
        )
    if orcid.strip():
        orcid = normalise_orcid(orcid)
        if orcid is None:
            raise ValidationError(
                _("That is not a valid ORCID iD; one looks like 0000-0002-1825-0097."), field="orcid"
            )
    profile = profile_for(actor)
    for existing in profile.collaborators:
        if (email and existing.email == email) or (orcid and existing.orcid == orcid):
            raise ValidationError(_("%(name)s is already on your list.", name=existing.name), field="email")
    collaborator = Collaborator(name=name, email=email or None, orcid=orcid or None)
    profile.collaborators.append(collaborator)
    db.session.flush()
    record(actor, "reviewer.collaborator_added", profile, {"collaborator": name})
    return collaborator


def remove_collaborator(actor: User, collaborator_id: int) -> None:
    profile = profile_for(actor)
    collaborator = next((c for c in profile.collaborators if c.id == collaborator_id), None)
    if collaborator is None:
        raise NotFound(_("That collaborator is not on your list."))
    profile.collaborators.remove(collaborator)
    record(actor, "reviewer.collaborator_removed", profile, {"collaborator": collaborator.name})


def add_unavailable_period(actor: User, *, starts_on: date, ends_on: date, note: str, today: date) -> None:
    if ends_on < starts_on:
        raise ValidationError(_("The period must end on or after its first day."), field="ends_on")
    if ends_on < today:
        raise ValidationError(_("That period is already over."), field="ends_on")
    profile = profile_for(actor)
    profile.unavailable.append(
        UnavailablePeriod(starts_on=starts_on, ends_on=ends_on, note=note.strip()[:200])
    )
    db.session.flush()
    record(actor, "reviewer.unavailable_added", profile, {"period": [str(starts_on), str(ends_on)]})


def remove_unavailable_period(actor: User, period_id: int) -> None:
    profile = profile_for(actor)
    period = next((p for p in profile.unavailable if p.id == period_id), None)
    if period is None:
        raise NotFound(_("That period is not on your list."))
    profile.unavailable.remove(period)
    record(actor, "reviewer.unavailable_removed", profile)
