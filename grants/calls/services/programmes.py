"""Programmes and funders: the long-lived things calls are made from."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from grants.accounts.models import User
from grants.accounts.reference import countries
from grants.audit.services import record
from grants.calls.models import Funder, Programme
from grants.calls.services.guards import require_officer
from grants.errors import Conflict, ValidationError
from grants.extensions import db
from grants.money import check_currency

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")


def create_programme(actor: User, *, name: str, code: str, description: str = "") -> Programme:
    require_officer(actor)
    name = _required(name, "name", _("Enter the programme's name."), 200)
    code = (code or "").strip().upper()
    if not CODE_PATTERN.match(code):
        raise ValidationError(
            _("Use 2 to 12 capital letters or digits, starting with a letter, like FCP."), field="code"
        )
    if db.session.scalar(select(Programme).where(func.lower(Programme.name) == name.lower())):
        raise Conflict(_("A programme with this name exists."), field="name")
    if db.session.scalar(select(Programme).where(Programme.code == code)):
        raise Conflict(_("Another programme uses this code."), field="code")
    programme = Programme(name=name, code=code, description=(description or "").strip())
    db.session.add(programme)
    record(actor, "programme.created", programme, {"name": [None, name], "code": [None, code]})
    return programme


def list_programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(Programme.name)))


def create_funder(actor: User, *, name: str, short_name: str, country: str, currency: str) -> Funder:
    require_officer(actor)
    name = _required(name, "name", _("Enter the funder's name."), 200)
    short_name = _required(short_name, "short_name", _("Enter a short name, like NSFC."), 40)
    if country not in countries():
        raise ValidationError(_("Choose the funder's country."), field="country")
    currency = check_currency(currency)
    if db.session.scalar(select(Funder).where(func.lower(Funder.name) == name.lower())):
        raise Conflict(_("This funder is already listed."), field="name")
    funder = Funder(name=name, short_name=short_name, country=country, currency=currency)
    db.session.add(funder)
    record(actor, "funder.created", funder, {"name": [None, name], "currency": [None, currency]})
    return funder


def list_funders() -> list[Funder]:
    return list(db.session.scalars(select(Funder).order_by(Funder.name)))


def _required(value: str | None, field: str, message: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, field=field)
    if len(value) > limit:
        raise ValidationError(_("Keep this under %(limit)s characters.", limit=limit), field=field)
    return value


def find_programme(programme_id: int) -> Programme | None:
    return db.session.get(Programme, programme_id)


def set_programme_terms(actor: User, programme: Programme, terms: str) -> Programme:
    """The intellectual-property provisions award agreements name. Offers already made keep the
    terms they were made with (each award stores its own copy)."""
    require_officer(actor)
    terms = (terms or "").strip()
    if len(terms) > 20000:
        raise ValidationError(_("Keep the terms under 20,000 characters."), field="ip_terms")
    before = programme.ip_terms
    programme.ip_terms = terms
    if before != terms:
        record(actor, "programme.terms_changed", programme, {"ip_terms": [before, terms]})
    return programme
