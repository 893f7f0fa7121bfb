"""Emails about decisions and awards, written to the outbox in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from grants.applications.models import Application
from grants.applications.services.common import notify_team
from grants.awards.models import Award
from grants.links import external_url


def award_context(award: Award) -> dict[str, Any]:
    return {
        "reference": award.reference,
        "title": award.application.title,
        "call": award.call.title,
        "link": external_url("awards.show", award_id=award.id),
    }


def email_award_team(award: Award, template: str, key: str, **context: Any) -> None:
    """Tell every joined member of the award's team; ``key`` makes each email unique."""
    notify_team(award.application, template, key, {**award_context(award), **context})


def email_leads(award: Award, template: str, key: str, **context: Any) -> None:
    """Tell the lead investigators only (what they must do: accept the agreement)."""
    notify_team(
        award.application, template, key, {**award_context(award), **context}, only=lambda m: m.role == "lead"
    )


def decision_link(application: Application) -> str:
    return external_url("applications.overview", application_id=application.id)
