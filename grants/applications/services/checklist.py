"""What still stands between a draft and submission, section by section.

The same list drives the task list on the overview, the "check and submit" page (each gap links to
where it is fixed) and the refusal in ``submit_application``, so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grants.accounts.reference import country_name
from grants.applications.models import Application, AttachmentKind, DeclarationKind
from grants.applications.services.answers import answers_by_key, questions_for
from grants.applications.services.budget import funder_totals
from grants.applications.services.common import closing_time_text
from grants.applications.services.confirmations import side_statuses
from grants.applications.services.team import lead_for
from grants.calls.questions import QuestionKind, clean_answer, is_answered
from grants.errors import ValidationError

SECTIONS = ("details", "questions", "team", "budget", "attachments", "declarations", "confirmations")
SECTION_TITLES = {
    "details": _l("Project details"),
    "questions": _l("Call questions"),
    "team": _l("Team"),
    "budget": _l("Budget"),
    "attachments": _l("Attachments"),
    "declarations": _l("Declarations"),
    "confirmations": _l("Both sides confirmed"),
}


@dataclass(frozen=True)
class Gap:
    section: str
    message: str
    anchor: str = ""


def gaps(application: Application, now: datetime) -> list[Gap]:
    found = [
        *_deadline(application, now),
        *_details(application),
        *_questions(application),
        *_team(application),
        *_budget(application),
        *_attachments(application),
        *_declarations(application),
        *_confirmations(application),
    ]
    return found


def sections(
    application: Application, now: datetime, found: list[Gap] | None = None
) -> list[tuple[str, str, list[Gap]]]:
    """``(key, title, gaps)`` for each section that applies to this application's call; pass
    ``found`` when the gaps are already known."""
    found = gaps(application, now) if found is None else found
    keys = [key for key in SECTIONS if _applies(application, key)]
    return [(key, SECTION_TITLES[key], [gap for gap in found if gap.section == key]) for key in keys]


def _applies(application: Application, section: str) -> bool:
    if section == "questions":
        return bool(questions_for(application))
    if section == "confirmations":
        return application.call.requires_lead_per_country
    return True


def _deadline(application: Application, now: datetime) -> list[Gap]:
    if application.submission_count == 0 and not application.call.accepts_submissions(now):
        return [Gap("deadline", _("The call closed on %(when)s.", when=closing_time_text(application)))]
    return []


def _details(application: Application) -> list[Gap]:
    required = [
        ("abstract", _("Write the abstract."), not application.abstract),
        (
            "priority_area",
            _("Choose a priority area."),
            bool(application.call.priority_areas) and not application.priority_area,
        ),
        ("keywords", _("Give some keywords."), not application.keywords),
        ("start_date", _("Give the start date."), application.start_date is None),
        ("duration_months", _("Give the duration."), application.duration_months is None),
    ]
    return [Gap("details", message, anchor) for anchor, message, missing in required if missing]


def _questions(application: Application) -> list[Gap]:
    answers = answers_by_key(application)
    file_answers = {
        item.question_key for item in application.attachments if item.kind == AttachmentKind.ANSWER
    }
    found = []
    for number, question in enumerate(questions_for(application), start=1):
        anchor = f"q_{question.key}"
        if question.kind == QuestionKind.FILE:
            if question.required and question.key not in file_answers:
                found.append(
                    Gap(
                        "attachments",
                        _(
                            "Upload the file for question %(number)s: %(question)s",
                            number=number,
                            question=question.label,
                        ),
                    )
                )
            continue
        value = answers.get(question.key)
        if question.required and not is_answered(value):
            found.append(
                Gap(
                    "questions",
                    _("Answer question %(number)s: %(question)s", number=number, question=question.label),
                    anchor,
                )
            )
        elif is_answered(value):
            try:  # limits may have tightened since the answer was saved
                clean_answer(question, value)
            except ValidationError as error:
                found.append(
                    Gap(
                        "questions",
                        _("Question %(number)s: %(problem)s", number=number, problem=error.message),
                        anchor,
                    )
                )
    return found


def _team(application: Application) -> list[Gap]:
    found = []
    if application.call.requires_lead_per_country:
        found.extend(
            Gap("team", _("Add a lead investigator for the %(side)s side.", side=country_name(country)))
            for country in application.call.countries
            if lead_for(application, country) is None
        )
    for member in application.members:
        if member.has_joined:
            continue
        if member.is_lead:
            found.append(
                Gap(
                    "team",
                    _(
                        "%(name)s, the %(side)s lead, has not accepted the invitation yet.",
                        name=member.full_name,
                        side=country_name(member.country),
                    ),
                )
            )
        else:
            found.append(
                Gap(
                    "team",
                    _(
                        "%(name)s has not accepted the invitation yet; wait for them or remove them.",
                        name=member.full_name,
                    ),
                )
            )
    return found


def _budget(application: Application) -> list[Gap]:
    if not application.budget_lines:
        return [Gap("budget", _("Add the budget."))]
    return [
        Gap(
            "budget",
            _(
                "The request to %(funder)s is %(amount)s; this call's maximum is %(maximum)s.",
                funder=total.call_funder.funder.name,
                amount=total.text,
                maximum=total.maximum_text,
            ),
        )
        for total in funder_totals(application)
        if total.over_maximum
    ]


def _attachments(application: Application) -> list[Gap]:
    kinds = [item.kind for item in application.attachments]
    found = []
    if AttachmentKind.CASE_FOR_SUPPORT not in kinds:
        found.append(Gap("attachments", _("Upload the case for support.")))
    with_cv = {item.team_member_id for item in application.attachments if item.kind == AttachmentKind.CV}
    for member in application.members:
        if member.is_lead and member.id not in with_cv:
            found.append(Gap("attachments", _("Upload a CV for %(name)s.", name=member.full_name)))
    return found


def _declarations(application: Application) -> list[Gap]:
    made = {item.kind for item in application.declarations}
    labels = {
        DeclarationKind.INTELLECTUAL_PROPERTY: _("Accept the intellectual-property provisions."),
        DeclarationKind.ETHICS: _("Make the ethics declaration."),
        DeclarationKind.DATA_PROTECTION: _("Give data-protection consent."),
    }
    return [Gap("declarations", message, kind.value) for kind, message in labels.items() if kind not in made]


def _confirmations(application: Application) -> list[Gap]:
    found = []
    for status in side_statuses(application):
        side = country_name(status.country)
        if status.state == "changed":
            message = (
                _(
                    "The %(side)s side changed after its lead confirmed it; %(name)s must confirm again.",
                    side=side,
                    name=status.lead_name,
                )
                if status.lead_name
                else _(
                    "The %(side)s side changed after its lead confirmed it; its lead must confirm again.",
                    side=side,
                )
            )
            found.append(Gap("confirmations", message))
        elif status.state == "unconfirmed":
            found.append(
                Gap(
                    "confirmations",
                    _("The %(side)s lead must confirm their side's team and budget.", side=side),
                )
            )
    return found
