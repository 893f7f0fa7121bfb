"""An open call on its last day with thousands of drafts ready to submit, for the deadline-rush
benchmark (``bench/deadline_rush.py``) and its tests.

The first draft is built through the services, exactly as a team builds one; the others are bulk
copies of its rows with their own people, so every draft has the shape the services give and
nothing left on its checklist. Building each through the services would take minutes for 5,000.
Every lead shares one real password hash, so the load test can sign in as any of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from grants.accounts.models import Institution, User, UserRole
from grants.applications.models import (
    Answer,
    Application,
    Attachment,
    BudgetLine,
    Declaration,
    SideConfirmation,
    TeamMember,
)
from grants.applications.services.answers import questions_for, save_answers
from grants.applications.services.confirmations import side_fingerprint
from grants.applications.storage import path_of
from grants.calls.models import Programme
from grants.calls.services import lifecycle, programmes
from grants.calls.services.question_sets import add_question
from grants.demo.applications import complete_joint_application
from grants.demo.calls import FLAGSHIP_QUESTIONS, flagship_funders, make_call
from grants.extensions import db

BATCH = 2000


@dataclass(frozen=True)
class ReadyDrafts:
    call_id: int
    application_ids: list[int]
    lead_emails: list[str]


def seed_ready_drafts(count: int, password_hash: str, now: datetime, *, closes_in: timedelta) -> ReadyDrafts:
    """An open call closing ``closes_in`` after ``now`` with ``count`` complete joint drafts, each
    led from the UK by its own researcher with its own China lead. Only flushes."""
    officer = _person("rush-officer@funder.example.org", "Rush Officer", password_hash, now, None)
    programme = programmes.create_programme(officer, name="Deadline Rush Programme", code="RUSH")
    call = _open_call(officer, programme, flagship_funders(officer), now, closes_in)
    institutions = _institutions()
    template = complete_joint_application(
        call,
        _person("uk-lead-0@uk0.example.org", "UK Lead 0", password_hash, now, institutions[0]),
        _person("cn-lead-0@cn0.example.org", "CN Lead 0", password_hash, now, institutions[1]),
        now,
    )
    _answer_questions(template, now)
    application_ids = [template.id]
    lead_emails = [template.lead_applicant.email]
    for start in range(1, count, BATCH):
        numbers = range(start, min(start + BATCH, count))
        ids, emails = _copies(template, numbers, password_hash, now, institutions)
        application_ids.extend(ids)
        lead_emails.extend(emails)
    call_id = call.id
    _confirm_copies(application_ids[1:], now)
    return ReadyDrafts(call_id, application_ids, lead_emails)


def details_fields(draft: Application) -> dict[str, str]:
    """The details form as a browser sends it to save ``draft`` unchanged (autosave's fields)."""
    return {
        "title": draft.title,
        "abstract": draft.abstract,
        "priority_area": draft.priority_area or "",
        "keywords": draft.keywords,
        "start_date": draft.start_date.isoformat() if draft.start_date else "",
        "duration_months": str(draft.duration_months),
    }


def answer_fields(draft: Application) -> dict[str, Any]:
    """The questions form's fields for ``draft``'s saved answers."""
    return {f"q_{answer.question.key}": answer.value for answer in draft.answers}


def _answer_questions(application: Application, now: datetime) -> None:
    """Answer the call's questions: the first option of a choice, a sentence for a text."""
    answers = {
        question.key: question.options[0] if question.options else "Shared under a data agreement."
        for question in questions_for(application)
    }
    save_answers(
        application.lead_applicant,
        application,
        answers,
        expected_version=application.answers_version,
        now=now,
    )


def _person(email: str, name: str, password_hash: str, now: datetime, institution_id: int | None) -> User:
    person = User(
        email=email,
        full_name=name,
        password_hash=password_hash,
        email_verified_at=now,
        institution_id=institution_id,
        country="CN" if email.startswith("cn-") else "GB",
        time_zone="Asia/Shanghai" if email.startswith("cn-") else "Europe/London",
        role_rows=[UserRole(role="officer")] if "officer" in email else [],
    )
    db.session.add(person)
    db.session.flush()
    return person


def _open_call(officer: User, programme: Programme, funders, now: datetime, closes_in: timedelta):
    closes = (now + closes_in).astimezone(UTC).replace(tzinfo=None, second=0, microsecond=0)
    call = make_call(
        officer,
        programme,
        "2018 Flagship Challenge: the last hour",
        "RUSH",
        opens=now - timedelta(days=60),
        closes=closes,
        funders=funders,
        time_zone="UTC",
    )
    for spec in FLAGSHIP_QUESTIONS:
        add_question(officer, call, spec)
    lifecycle.open_call(officer, call, now)
    return call


def _institutions() -> list[int]:
    names = ("Rush UK University", "Rush China University")
    for name, country in zip(names, ("GB", "CN"), strict=True):
        if db.session.scalar(select(Institution.id).where(Institution.name == name)) is None:
            db.session.add(Institution(name=name, country=country))
    db.session.flush()
    return [db.session.scalar(select(Institution.id).where(Institution.name == name)) for name in names]


def _columns(model: Any, application_id: int) -> list[dict[str, Any]]:
    """The template's rows of ``model`` as column dictionaries, without their ids."""
    table = model.__table__
    rows = db.session.execute(
        select(table).where(table.c.application_id == application_id).order_by(table.c.id)
    ).mappings()
    return [{key: value for key, value in row.items() if key != "id"} for row in rows]


def _insert_returning_ids(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows)) if rows else []


def _copies(
    template: Application, numbers: range, password_hash: str, now: datetime, institutions: list[int]
) -> tuple[list[int], list[str]]:
    """Copy the template once per number, each with a new UK and China lead."""
    people = [
        {
            "email": f"{side}-lead-{n}@{side}{n % 50}.example.org",
            "full_name": f"{side.upper()} Lead {n}",
            "password_hash": password_hash,
            "email_verified_at": now,
            "institution_id": institutions[side == "cn"],
            "country": "CN" if side == "cn" else "GB",
            "time_zone": "Asia/Shanghai" if side == "cn" else "Europe/London",
            "language": "en",
            "created_at": now,
            "password_changed_at": now,
        }
        for n in numbers
        for side in ("uk", "cn")
    ]
    user_ids = _insert_returning_ids(User, people)
    leads = dict(zip(numbers, zip(user_ids[::2], user_ids[1::2], strict=True), strict=True))
    original = {template.lead_applicant_id: 0, template.members[1].user_id: 1}
    base = {
        column.key: getattr(template, column.key)
        for column in Application.__table__.columns
        if column.key != "id"
    }
    application_ids = _insert_returning_ids(
        Application,
        [
            {
                **base,
                "lead_applicant_id": leads[n][0],
                "content_updated_by_id": leads[n][0],
                "title": f"{template.title} {n}",
            }
            for n in numbers
        ],
    )
    copies = list(zip(numbers, application_ids, strict=True))

    def person(user_id: int | None, n: int) -> int | None:
        return leads[n][original[user_id]] if user_id in original else user_id

    members = _columns(TeamMember, template.id)
    member_ids = _insert_returning_ids(
        TeamMember,
        [
            {
                **member,
                "application_id": app_id,
                "user_id": person(member["user_id"], n),
                "invited_by_id": person(member["invited_by_id"], n),
                "email": people[2 * (n - numbers.start) + k]["email"],
                "full_name": people[2 * (n - numbers.start) + k]["full_name"],
                "invitation_token_hash": None,
            }
            for n, app_id in copies
            for k, member in enumerate(members)
        ],
    )
    member_of = {
        (app_id, template.members[k].id): member_ids[i * len(members) + k]
        for i, (_n, app_id) in enumerate(copies)
        for k in range(len(members))
    }
    _copy_rows(BudgetLine, template.id, copies, lambda row, n, app_id: row)
    _copy_rows(Answer, template.id, copies, lambda row, n, app_id: row)
    _copy_rows(
        Declaration,
        template.id,
        copies,
        lambda row, n, app_id: {**row, "accepted_by_id": person(row["accepted_by_id"], n)},
    )
    _copy_rows(
        Attachment,
        template.id,
        copies,
        lambda row, n, app_id: {
            **row,
            "stored_name": _linked_copy(row["stored_name"], app_id),
            "uploaded_by_id": person(row["uploaded_by_id"], n),
            "team_member_id": member_of.get((app_id, row["team_member_id"])),
        },
    )
    return application_ids, [people[2 * i]["email"] for i in range(len(numbers))]


def _copy_rows(
    model: Any,
    template_id: int,
    copies: list[tuple[int, int]],
    adapt: Callable[[dict[str, Any], int, int], dict[str, Any]],
) -> None:
    rows = _columns(model, template_id)
    new_rows = [adapt({**row, "application_id": app_id}, n, app_id) for n, app_id in copies for row in rows]
    for start in range(0, len(new_rows), BATCH):
        db.session.execute(insert(model), new_rows[start : start + BATCH])


def _linked_copy(stored_name: str, application_id: int) -> str:
    """A stored file of the copy's own, hard-linked to the template's (same bytes, no extra disk)."""
    name = f"rush-{application_id}-{stored_name}"
    target = path_of(name)
    if not target.exists():
        os.link(path_of(stored_name), target)
    return name


def _confirm_copies(application_ids: list[int], now: datetime) -> None:
    """Both leads' confirmations, with the fingerprint of each copy's own side."""
    for start in range(0, len(application_ids), BATCH):
        applications = db.session.scalars(
            select(Application)
            .where(Application.id.in_(application_ids[start : start + BATCH]))
            .options(
                selectinload(Application.members),
                selectinload(Application.budget_lines).selectinload(BudgetLine.call_funder),
            )
        ).all()
        rows = [
            {
                "application_id": application.id,
                "country": member.country,
                "fingerprint": side_fingerprint(application, member.country),
                "confirmed_by_id": member.user_id,
                "confirmed_at": now,
            }
            for application in applications
            for member in application.members
        ]
        db.session.execute(insert(SideConfirmation), rows)
        db.session.expunge_all()
