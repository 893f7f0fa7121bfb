"""Each side's lead confirms their side's team and budget before a bilateral application goes in."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from grants.accounts.models import User
from grants.applications.models import Application, SideConfirmation
from grants.applications.services.common import require_editable
from grants.applications.services.team import lead_for
from grants.audit.services import record
from grants.errors import Conflict, PermissionDenied


def side_fingerprint(application: Application, country: str) -> str:
    """A digest of one side's team and budget; any change to either changes it."""
    team = sorted(
        [member.email, member.role, member.institution_id, member.accepted_at is not None]
        for member in application.members
        if member.country == country
    )
    budget = sorted(
        [line.call_funder_id, line.year, line.category, line.description, line.amount_minor]
        for line in application.budget_lines
        if line.call_funder.funder.country == country
    )
    payload = json.dumps({"team": team, "budget": budget}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class SideStatus:
    country: str
    lead_name: str | None
    lead_user_id: int | None
    confirmation: SideConfirmation | None
    is_current: bool

    @property
    def state(self) -> str:
        if self.is_current:
            return "confirmed"
        return "changed" if self.confirmation is not None else "unconfirmed"


def side_statuses(application: Application) -> list[SideStatus]:
    """One entry per country of the call, saying whether its confirmation still matches."""
    if not application.call.requires_lead_per_country:
        return []
    statuses = []
    for country in application.call.countries:
        lead = lead_for(application, country)
        confirmation = next((item for item in application.confirmations if item.country == country), None)
        current = confirmation is not None and confirmation.fingerprint == side_fingerprint(
            application, country
        )
        statuses.append(
            SideStatus(
                country=country,
                lead_name=lead.full_name if lead else None,
                lead_user_id=lead.user_id if lead and lead.has_joined else None,
                confirmation=confirmation,
                is_current=current,
            )
        )
    return statuses


def confirm_side(actor: User, application: Application, country: str, now: datetime) -> SideConfirmation:
    """Record that ``actor``, the lead for ``country``, agrees to that side's team and budget as they are."""
    require_editable(actor, application, now)
    if not application.call.requires_lead_per_country or country not in application.call.countries:
        raise Conflict(_("This application has no such side to confirm."))
    lead = lead_for(application, country)
    if lead is None or lead.user_id != actor.id or not lead.has_joined:
        raise PermissionDenied(_("Only that side's lead investigator can confirm its team and budget."))
    fingerprint = side_fingerprint(application, country)
    confirmation = next((item for item in application.confirmations if item.country == country), None)
    if confirmation is None:
        confirmation = SideConfirmation(country=country)
        application.confirmations.append(confirmation)
    confirmation.fingerprint = fingerprint
    confirmation.confirmed_by_id = actor.id
    confirmation.confirmed_at = now
    record(actor, "application.side_confirmed", application, {"country": [None, country]})
    return confirmation
