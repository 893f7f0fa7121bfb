"""Institutions: where people work, matched to their email domain."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from grants.accounts.models import Institution
from grants.accounts.reference import countries
from grants.audit.services import record
from grants.errors import Conflict, PermissionDenied, ValidationError
from grants.extensions import db
from grants.security.predicates import can_manage_accounts

DOMAIN_PATTERN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def institution_for_email(email: str) -> Institution | None:
    """The institution whose domain is the address's domain or a parent of it."""
    domain = email.rsplit("@", 1)[-1].lower()
    labels = domain.split(".")
    candidates = [".".join(labels[i:]) for i in range(len(labels) - 1)]
    if not candidates:
        return None
    matches = db.session.scalars(select(Institution).where(Institution.email_domain.in_(candidates))).all()
    # The most specific domain wins (dept.ox.ac.uk over ox.ac.uk).
    return max(matches, key=lambda inst: len(inst.email_domain or ""), default=None)


def list_institutions() -> list[Institution]:
    return list(db.session.scalars(select(Institution).order_by(Institution.name)))


def create_institution(actor, *, name: str, country: str, email_domain: str | None) -> Institution:
    if not can_manage_accounts(actor):
        raise PermissionDenied(_("Only administrators can add institutions."))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Enter the institution's name."), field="name")
    if country not in countries():
        raise ValidationError(_("Choose a country from the list."), field="country")
    domain = (email_domain or "").strip().lower().removeprefix("@") or None
    if domain is not None and not DOMAIN_PATTERN.match(domain):
        raise ValidationError(_("Enter a domain such as ed.ac.uk, without the @."), field="email_domain")
    if db.session.scalar(select(Institution).where(func.lower(Institution.name) == name.lower())):
        raise Conflict(_("An institution with this name already exists."), field="name")
    if domain and db.session.scalar(select(Institution).where(Institution.email_domain == domain)):
        raise Conflict(_("Another institution already uses this email domain."), field="email_domain")
    institution = Institution(name=name, country=country, email_domain=domain)
    db.session.add(institution)
    record(
        actor,
        "institution.created",
        institution,
        {"name": [None, name], "country": [None, country], "email_domain": [None, domain]},
    )
    return institution
