"""The award letter: one set of facts, shown as an HTML page and rendered as a PDF.

The letter is the formal legal document and is always written in English, whatever the reader's
interface language: its facts are gathered under ``force_locale("en")``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale

from grants.accounts.reference import country_name
from grants.awards.models import Award, report_title
from grants.awards.services.offers import lead_members
from grants.awards.states import AwardState
from grants.money import format_money


@dataclass(frozen=True)
class LetterPerson:
    name: str
    institution: str
    country: str


@dataclass(frozen=True)
class LetterRow:
    label: str
    value: str


@dataclass(frozen=True)
class AwardLetter:
    reference: str
    title: str
    programme: str
    call: str
    issued_on: str
    accept_by: str
    start: str
    end: str
    leads: list[LetterPerson]
    funding: list[LetterRow]
    payments: list[LetterRow]
    reports: list[LetterRow]
    terms: str
    status: str
    # While offered the letter says by when to accept; afterwards, who accepted and when.
    awaiting_acceptance: bool
    acceptances: list[LetterRow]


def build_letter(award: Award) -> AwardLetter:
    with force_locale("en"):
        return _build_letter(award)


def _build_letter(award: Award) -> AwardLetter:
    zone = award.call.zone
    application = award.application
    return AwardLetter(
        reference=award.reference,
        title=application.title,
        programme=award.call.programme.name,
        call=award.call.title,
        issued_on=f"{award.offered_at.astimezone(zone):%d %B %Y}",
        accept_by=f"{award.offer_expires_at.astimezone(zone):%d %B %Y at %H:%M %Z}",
        start=f"{award.start_date:%d %B %Y}",
        end=f"{award.end_date:%d %B %Y}",
        leads=[
            LetterPerson(
                m.full_name,
                m.institution.name if m.institution else "",
                country_name(m.country),
            )
            for m in lead_members(application)
        ],
        funding=[
            LetterRow(f.call_funder.funder.name, format_money(f.amount_minor, f.currency))
            for f in award.fundings
        ],
        payments=[
            LetterRow(
                f"{p.due_on:%d %B %Y}: {p.call_funder.funder.short_name} instalment {p.sequence}",
                format_money(p.amount_minor, p.currency),
            )
            for p in sorted(award.payments, key=lambda p: (p.due_on, p.call_funder_id))
            if p.state != "cancelled"
        ],
        reports=[
            LetterRow(report_title(r.kind, r.sequence), f"due {r.due_date:%d %B %Y}")
            for r in award.reports
            if r.state != "cancelled"
        ],
        terms=award.terms,
        status=AwardState(award.state).label,
        awaiting_acceptance=award.state == "offered",
        acceptances=[
            LetterRow(a.user.full_name, f"{a.accepted_at.astimezone(zone):%d %B %Y}")
            for a in award.acceptances
        ],
    )


def letter_opening(letter: AwardLetter) -> str:
    return (
        f"We are pleased to offer an award from the {letter.programme} ({letter.call}) for the project "
        f"“{letter.title}”. The project runs from {letter.start} to {letter.end}."
    )


def acceptance_text(letter: AwardLetter) -> str:
    if letter.awaiting_acceptance:
        return (
            f"Each lead investigator accepts this award and its terms in Grants by {letter.accept_by}. "
            "The award starts once every lead investigator has accepted."
        )
    if letter.acceptances:
        return "The lead investigators accepted this award and its terms:"
    return "This offer was not accepted."
