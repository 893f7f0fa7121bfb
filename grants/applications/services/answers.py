"""Answers to a call's own questions, kept against the question-set version they were given for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from grants.accounts.models import User
from grants.applications.models import Answer, Application
from grants.applications.services.common import claim_content_edit, require_editable
from grants.audit.services import record
from grants.calls.models import Question
from grants.calls.questions import QuestionKind, clean_answer
from grants.calls.services.question_sets import current_question_set
from grants.extensions import db


def questions_for(application: Application) -> list[Question]:
    """A draft answers the call's current questions (its stored version catches up on the next
    save); a submitted application keeps the version it answered."""
    question_set = current_question_set(application.call) if application.is_editable else None
    question_set = question_set or application.question_set
    return sorted(question_set.questions, key=lambda question: question.position) if question_set else []


def answers_by_key(application: Application) -> dict[str, Any]:
    return {answer.question.key: answer.value for answer in application.answers}


def save_answers(
    actor: User, application: Application, raw: dict[str, Any], *, expected_version: int | None, now: datetime
) -> Application:
    """Save answers given as ``{question key: raw value}``; keys not given are left alone.

    Every answer is checked first, so one over its word limit saves none of them."""
    require_editable(actor, application, now)
    move_to_current_questions(application, announce=False)  # this save takes the next version itself
    questions = {question.key: question for question in questions_for(application)}
    cleaned = {
        key: clean_answer(questions[key], value)
        for key, value in raw.items()
        if key in questions and questions[key].kind != QuestionKind.FILE
    }
    claim_content_edit(actor, application, expected_version, now, part="answers")
    stored = {answer.question.key: answer for answer in application.answers}
    changed = []
    for key, value in cleaned.items():
        answer = stored.get(key)
        if answer is None and value is not None:
            application.answers.append(Answer(question=questions[key], value=value))
        elif answer is not None and answer.value != value:
            answer.value = value
        else:
            continue
        changed.append(key)
    if changed:
        record(actor, "application.answers_saved", application, {"questions": changed})
    return application


def move_to_current_questions(application: Application, *, announce: bool = True) -> bool:
    """Bring a draft onto the call's newest question set, carrying answers by question key.

    Only drafts move: a submitted application keeps the version it was submitted against. An
    answer whose question changed kind is dropped rather than reinterpreted. With ``announce`` the
    answers' version goes up, so a colleague's open questions page is told to reload rather than
    saving against questions that are gone. True when the draft moved."""
    current = current_question_set(application.call)
    if current is None or application.question_set_id == current.id or not application.is_editable:
        return False
    by_key = {question.key: question for question in current.questions}
    for answer in list(application.answers):
        target = by_key.get(answer.question.key)
        if target is None or target.kind != answer.question.kind:
            application.answers.remove(answer)
        else:
            answer.question = target
    application.question_set = current
    if announce:
        application.answers_version += 1
    db.session.flush()
    return True
