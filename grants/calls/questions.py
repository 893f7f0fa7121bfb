"""Question kinds and how an answer to each is checked and stored (as JSON)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grants.errors import ValidationError
from grants.text_limits import count_words

TEXT_HARD_LIMIT = 20_000  # characters, for any text answer without a stricter limit


class QuestionKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    DATE = "date"
    FILE = "file"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])

    @property
    def word(self) -> str:
        """The kind inside a sentence: "long text, required"."""
        return str(KIND_WORDS[self])


KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.DATE: _l("Date"),
    QuestionKind.FILE: _l("PDF file"),
}
KIND_WORDS = {
    QuestionKind.SHORT_TEXT: _l("short text"),
    QuestionKind.LONG_TEXT: _l("long text"),
    QuestionKind.SINGLE_CHOICE: _l("single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("multiple choice"),
    QuestionKind.NUMBER: _l("number"),
    QuestionKind.DATE: _l("date"),
    QuestionKind.FILE: _l("file"),
}
SHORT_TEXT_LIMIT = 300


def clean_answer(question: Any, raw: Any) -> Any:
    """The stored form of ``raw`` (a string, or a list for multiple choice), or None when blank.

    Raises ``ValidationError`` naming the question's field for an answer that breaks a limit, so
    the limits hold on the server whatever the browser counted. Blank is allowed here: whether a
    required question is answered is a question for the submission checklist, not for a draft save.
    """
    kind = QuestionKind(question.kind)
    field = f"q_{question.key}"
    if kind is QuestionKind.MULTIPLE_CHOICE:
        chosen = [value for value in (raw or []) if value]
        unknown = [value for value in chosen if value not in question.options]
        if unknown:
            raise ValidationError(_("Choose from the options given."), field=field)
        return [option for option in question.options if option in chosen] or None
    text = (raw or "").strip() if isinstance(raw, str) else raw
    if not text:
        return None
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        return _clean_text(question, kind, text, field)
    if kind is QuestionKind.SINGLE_CHOICE:
        if text not in question.options:
            raise ValidationError(_("Choose one of the options given."), field=field)
        return text
    if kind is QuestionKind.NUMBER:
        return _clean_number(question, text, field)
    if kind is QuestionKind.DATE:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValidationError(_("Enter a real date, like 2019-04-01."), field=field) from None
    raise ValidationError(_("Upload the file on the attachments page."), field=field)


def _clean_text(question: Any, kind: QuestionKind, text: str, field: str) -> str:
    limit = question.max_length or (SHORT_TEXT_LIMIT if kind is QuestionKind.SHORT_TEXT else TEXT_HARD_LIMIT)
    if len(text) > limit:
        raise ValidationError(
            _(
                "Keep this to %(limit)s characters; it has %(length)s.",
                limit=f"{limit:,}",
                length=f"{len(text):,}",
            ),
            field=field,
        )
    if question.word_limit:
        words = count_words(text)
        if words > question.word_limit:
            raise ValidationError(
                _(
                    "Keep this to %(limit)s words; it has %(words)s.",
                    limit=f"{question.word_limit:,}",
                    words=f"{words:,}",
                ),
                field=field,
            )
    return text


def _clean_number(question: Any, text: str, field: str) -> str:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("Enter a number, like 12 or 3.5."), field=field) from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number, like 12 or 3.5."), field=field)
    if question.min_value is not None and number < question.min_value:
        raise ValidationError(_("Enter %(minimum)s or more.", minimum=question.min_value), field=field)
    if question.max_value is not None and number > question.max_value:
        raise ValidationError(_("Enter %(maximum)s or less.", maximum=question.max_value), field=field)
    return str(number)


def is_answered(value: Any) -> bool:
    return value not in (None, "", [])
