"""Small helpers the account services share."""

import hashlib

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from grants.accounts.models import User
from grants.errors import ValidationError
from grants.extensions import db


def normalise_email(raw: str, *, field: str = "email") -> str:
    """Lower-cased, checked address; raises ``ValidationError`` with a readable reason."""
    try:
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(
            _("Enter a valid email address (%(reason)s).", reason=error), field=field
        ) from None
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    cleaned = (email or "").strip().lower()
    if not cleaned:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == cleaned))


def token_digest(token: str) -> str:
    """What we store for a bearer token: its SHA-256, so a database leak reveals no token."""
    return hashlib.sha256(token.encode()).hexdigest()


def clean_name(raw: str, *, field: str = "full_name") -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise ValidationError(_("Enter your name."), field=field)
    if len(name) > 200:
        raise ValidationError(_("Use at most %(num)d characters.", num=200), field=field)
    return name
