"""A call's own questions, versioned.

Officers edit "the questions"; underneath, a version that any application already uses is never
changed. The first edit after that copies the set into a new version (same question keys), so a
submitted application keeps the exact questions it answered, and drafts move up when next saved.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import exists, select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.audit.services import record
from grants.calls.models import Call, Question, QuestionSet
from grants.calls.questions import SHORT_TEXT_LIMIT, TEXT_HARD_LIMIT, QuestionKind
from grants.calls.services.guards import require_content_editable
from grants.errors import NotFound, ValidationError
from grants.extensions import db

MAX_OPTIONS = 50


@dataclass
class QuestionSpec:
    kind: str
    label: str
    help_text: str = ""
    required: bool = True
    word_limit: int | None = None
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    options: list[str] = field(default_factory=list)


def current_question_set(call: Call) -> QuestionSet | None:
    return call.question_sets[-1] if call.question_sets else None


def current_questions(call: Call) -> list[Question]:
    current = current_question_set(call)
    return list(current.questions) if current else []


def _is_in_use(question_set: QuestionSet) -> bool:
    return bool(db.session.scalar(select(exists().where(Application.question_set_id == question_set.id))))


def _editable_set(actor: User, call: Call) -> QuestionSet:
    """The version to edit: the current one if no application uses it, else a fresh copy."""
    current = current_question_set(call)
    if current is not None and not _is_in_use(current):
        return current
    fresh = QuestionSet(version=(current.version + 1) if current else 1, created_by_id=actor.id)
    if current is not None:
        for question in current.questions:
            fresh.questions.append(_copy(question))
    call.question_sets.append(fresh)
    db.session.flush()
    return fresh


def _copy(question: Question) -> Question:
    return Question(
        key=question.key,
        position=question.position,
        kind=question.kind,
        label=question.label,
        help_text=question.help_text,
        required=question.required,
        word_limit=question.word_limit,
        max_length=question.max_length,
        min_value=question.min_value,
        max_value=question.max_value,
        options=list(question.options or []),
    )


def _checked(spec: QuestionSpec) -> dict:
    try:
        kind = QuestionKind(spec.kind)
    except ValueError:
        raise ValidationError(_("Choose the kind of question."), field="kind") from None
    label = (spec.label or "").strip()
    if not label or len(label) > 300:
        raise ValidationError(_("Write the question in under 300 characters."), field="label")
    options = list(dict.fromkeys(option.strip() for option in spec.options if option.strip()))
    choice = kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
    if choice and not 2 <= len(options) <= MAX_OPTIONS:
        raise ValidationError(
            _("Give between 2 and %(limit)s options, one per line.", limit=MAX_OPTIONS), field="options"
        )
    text = kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
    hard_limit = SHORT_TEXT_LIMIT if kind is QuestionKind.SHORT_TEXT else TEXT_HARD_LIMIT
    if spec.max_length is not None and not 1 <= spec.max_length <= hard_limit:
        raise ValidationError(
            _("A character limit runs from 1 to %(limit)s.", limit=f"{hard_limit:,}"), field="max_length"
        )
    if spec.word_limit is not None and not 1 <= spec.word_limit <= 5000:
        raise ValidationError(_("A word limit runs from 1 to 5,000."), field="word_limit")
    number = kind is QuestionKind.NUMBER
    if number and None not in (spec.min_value, spec.max_value) and spec.min_value > spec.max_value:
        raise ValidationError(
            _("The smallest allowed number must not exceed the largest."), field="max_value"
        )
    return {
        "kind": kind.value,
        "label": label,
        "help_text": (spec.help_text or "").strip(),
        "required": bool(spec.required),
        "word_limit": spec.word_limit if kind is QuestionKind.LONG_TEXT else None,
        "max_length": spec.max_length if text else None,
        "min_value": spec.min_value if number else None,
        "max_value": spec.max_value if number else None,
        "options": options if choice else [],
    }


def add_question(actor: User, call: Call, spec: QuestionSpec) -> Question:
    require_content_editable(actor, call)
    values = _checked(spec)
    question_set = _editable_set(actor, call)
    question = Question(key=secrets.token_hex(8), position=len(question_set.questions), **values)
    question_set.questions.append(question)
    record(
        actor,
        "call.question_added",
        call,
        {"question": [None, values["label"]], "version": [None, question_set.version]},
    )
    return question


def update_question(actor: User, call: Call, key: str, spec: QuestionSpec) -> Question:
    require_content_editable(actor, call)
    values = _checked(spec)
    question = _by_key(_editable_set(actor, call), key)
    before = question.label
    for name, value in values.items():
        setattr(question, name, value)
    record(actor, "call.question_changed", call, {"question": [before, values["label"]]})
    return question


def remove_question(actor: User, call: Call, key: str) -> None:
    require_content_editable(actor, call)
    question_set = _editable_set(actor, call)
    question = _by_key(question_set, key)
    question_set.questions.remove(question)
    _renumber(question_set)
    record(actor, "call.question_removed", call, {"question": [question.label, None]})


def move_question(actor: User, call: Call, key: str, offset: int) -> None:
    """Move a question up (``-1``) or down (``+1``) the list."""
    require_content_editable(actor, call)
    question_set = _editable_set(actor, call)
    ordered = list(question_set.questions)
    question = _by_key(question_set, key)
    index = ordered.index(question)
    target = min(max(index + offset, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    for position, item in enumerate(ordered):
        item.position = position
    record(actor, "call.question_moved", call, {"question": [index + 1, target + 1]})


def _renumber(question_set: QuestionSet) -> None:
    for position, question in enumerate(sorted(question_set.questions, key=lambda item: item.position)):
        question.position = position


def _by_key(question_set: QuestionSet, key: str) -> Question:
    question = next((item for item in question_set.questions if item.key == key), None)
    if question is None:
        raise NotFound(_("That question is not part of this call."))
    return question
