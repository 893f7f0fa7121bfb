"""The parts of a call: participating funders with their envelopes, priority areas and the rubric."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.audit.services import record
from grants.calls.models import Call, CallFunder, CallPriorityArea, Funder, RubricCriterion
from grants.calls.services.guards import require_content_editable, require_structure_editable
from grants.errors import Conflict, NotFound, ValidationError
from grants.extensions import db
from grants.money import format_money, parse_amount, reader_money

MAX_PRIORITY_AREAS = 30


def add_call_funder(
    actor: User, call: Call, *, funder_id: int, envelope: str, max_request: str
) -> CallFunder:
    """Add a funder with its envelope and per-application maximum, both in the funder's currency."""
    require_structure_editable(actor, call)
    funder = db.session.get(Funder, funder_id)
    if funder is None:
        raise ValidationError(_("Choose a funder."), field="funder_id")
    if any(entry.funder_id == funder.id for entry in call.funders):
        raise Conflict(
            _("%(funder)s already takes part in this call.", funder=funder.name), field="funder_id"
        )
    envelope_minor = parse_amount(envelope, funder.currency, field="envelope")
    max_minor = parse_amount(max_request, funder.currency, field="max_request")
    if envelope_minor == 0:
        raise ValidationError(_("The envelope must be more than zero."), field="envelope")
    if not 0 < max_minor <= envelope_minor:
        raise ValidationError(
            _(
                "The maximum request must be more than zero and at most the envelope (%(envelope)s).",
                envelope=reader_money(envelope_minor, funder.currency),
            ),
            field="max_request",
        )
    entry = CallFunder(
        funder=funder, currency=funder.currency, envelope_minor=envelope_minor, max_request_minor=max_minor
    )
    call.funders.append(entry)
    record(
        actor,
        "call.funder_added",
        call,
        {"funder": [None, funder.name], "envelope": [None, format_money(envelope_minor, funder.currency)]},
    )
    return entry


def remove_call_funder(actor: User, call: Call, call_funder_id: int) -> None:
    require_structure_editable(actor, call)
    entry = next((entry for entry in call.funders if entry.id == call_funder_id), None)
    if entry is None:
        raise NotFound(_("That funder is not part of this call."))
    call.funders.remove(entry)
    record(actor, "call.funder_removed", call, {"funder": [entry.funder.name, None]})


def set_priority_areas(actor: User, call: Call, names: list[str]) -> list[CallPriorityArea]:
    """Replace the call's priority areas with ``names`` (in that order, duplicates dropped).

    Areas that applications already chose cannot be removed once the call is open."""
    require_content_editable(actor, call)
    cleaned = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    if any(len(name) > 120 for name in cleaned):
        raise ValidationError(_("Keep each priority area under 120 characters."), field="priority_areas")
    if len(cleaned) > MAX_PRIORITY_AREAS:
        raise ValidationError(
            _("List at most %(limit)s priority areas.", limit=MAX_PRIORITY_AREAS), field="priority_areas"
        )
    before = call.area_names
    if call.state != "draft" and (removed := set(before) - set(cleaned)):
        used = db.session.scalar(
            select(Application.priority_area)
            .where(Application.call_id == call.id, Application.priority_area.in_(removed))
            .limit(1)
        )
        if used is not None:
            raise Conflict(
                _("Applications already chose “%(area)s”; it cannot be removed.", area=used),
                field="priority_areas",
            )
    existing = {area.name: area for area in call.priority_areas}
    call.priority_areas = [existing.get(name) or CallPriorityArea(name=name) for name in cleaned]
    for position, area in enumerate(call.priority_areas):
        area.position = position
    if before != cleaned:
        record(actor, "call.priority_areas_set", call, {"priority_areas": [before, cleaned]})
    return call.priority_areas


def save_criterion(
    actor: User,
    call: Call,
    *,
    criterion_id: int | None,
    name: str,
    guidance: str,
    weight: int,
    scale_min: int,
    scale_max: int,
) -> RubricCriterion:
    """Add a rubric criterion, or change one when ``criterion_id`` is given."""
    require_content_editable(actor, call)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationError(_("Name the criterion in under 120 characters."), field="name")
    if not 1 <= weight <= 100:
        raise ValidationError(_("Give a weight from 1 to 100."), field="weight")
    if not 0 <= scale_min < scale_max <= 100:
        raise ValidationError(
            _("The scale must run upwards, within 0 to 100, like 1 to 5."), field="scale_max"
        )
    if criterion_id is None:
        criterion = RubricCriterion(position=len(call.criteria))
        call.criteria.append(criterion)
        action = "call.criterion_added"
    else:
        criterion = _criterion(call, criterion_id)
        action = "call.criterion_changed"
    criterion.name, criterion.guidance = name, (guidance or "").strip()
    criterion.weight, criterion.scale_min, criterion.scale_max = weight, scale_min, scale_max
    record(actor, action, call, {"criterion": [None, name]})
    return criterion


def remove_criterion(actor: User, call: Call, criterion_id: int) -> None:
    require_content_editable(actor, call)
    criterion = _criterion(call, criterion_id)
    call.criteria.remove(criterion)
    for position, remaining in enumerate(call.criteria):
        remaining.position = position
    record(actor, "call.criterion_removed", call, {"criterion": [criterion.name, None]})


def _criterion(call: Call, criterion_id: int) -> RubricCriterion:
    criterion = next((item for item in call.criteria if item.id == criterion_id), None)
    if criterion is None:
        raise NotFound(_("That criterion is not part of this call."))
    return criterion
