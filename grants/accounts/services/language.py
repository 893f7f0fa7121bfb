"""Choosing the interface language with the switcher on every page."""

from flask_babel import gettext as _

from grants.accounts.models import User
from grants.accounts.reference import LANGUAGES
from grants.audit.services import record
from grants.errors import ValidationError


def check_language(language: str | None) -> str:
    if language not in LANGUAGES:
        raise ValidationError(_("Choose a language from the list."), field="language")
    return language


def choose_language(user: User, language: str | None) -> bool:
    """Keep ``language`` on the user's profile, so their pages and emails follow it.
    Returns whether anything changed (choosing the current language records nothing)."""
    language = check_language(language)
    if user.language == language:
        return False
    record(user, "profile.updated", user, {"language": [user.language, language]})
    user.language = language
    return True
