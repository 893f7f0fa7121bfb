"""Question kinds and how an answer to each is checked and stored (as JSON)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

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
        return KIND_LABELS[self]


KIND_LABELS = {
    QuestionKind.SHORT_TEXT: "Short text",
    QuestionKind.LONG_TEXT: "Long text",
    QuestionKind.SINGLE_CHOICE: "Single choice",
    QuestionKind.MULTIPLE_CHOICE: "Multiple choice",
    QuestionKind.NUMBER: "Number",
    QuestionKind.DATE: "Date",
    QuestionKind.FILE: "PDF file",
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
            raise ValidationError("Choose from the options given.", field=field)
        return [option for option in question.options if option in chosen] or None
    text = (raw or "").strip() if isinstance(raw, str) else raw
    if not text:
        return None
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        return _clean_text(question, kind, text, field)
    if kind is QuestionKind.SINGLE_CHOICE:
        if text not in question.options:
            raise ValidationError("Choose one of the options given.", field=field)
        return text
    if kind is QuestionKind.NUMBER:
        return _clean_number(question, text, field)
    if kind is QuestionKind.DATE:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValidationError("Enter a real date, like 2019-04-01.", field=field) from None
    raise ValidationError("Upload the file on the attachments page.", field=field)


def _clean_text(question: Any, kind: QuestionKind, text: str, field: str) -> str:
    limit = question.max_length or (SHORT_TEXT_LIMIT if kind is QuestionKind.SHORT_TEXT else TEXT_HARD_LIMIT)
    if len(text) > limit:
        raise ValidationError(f"Keep this to {limit:,} characters; it has {len(text):,}.", field=field)
    if question.word_limit:
        words = count_words(text)
        if words > question.word_limit:
            raise ValidationError(
                f"Keep this to {question.word_limit:,} words; it has {words:,}.", field=field
            )
    return text


def _clean_number(question: Any, text: str, field: str) -> str:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValidationError("Enter a number, like 12 or 3.5.", field=field) from None
    if not number.is_finite():
        raise ValidationError("Enter a number, like 12 or 3.5.", field=field)
    if question.min_value is not None and number < question.min_value:
        raise ValidationError(f"Enter {question.min_value} or more.", field=field)
    if question.max_value is not None and number > question.max_value:
        raise ValidationError(f"Enter {question.max_value} or less.", field=field)
    return str(number)


def is_answered(value: Any) -> bool:
    return value not in (None, "", [])
