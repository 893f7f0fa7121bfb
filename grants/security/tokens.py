"""Signed, expiring tokens for links sent by email (verification, password reset)."""

from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from grants.errors import InvalidToken


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"grants.{purpose}")


def sign(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str, max_age: timedelta) -> Any:
    """Return the payload, or raise ``InvalidToken`` with a message a person can act on."""
    try:
        return _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise InvalidToken(_("This link has expired. Ask for a new one below.")) from None
    except BadSignature:
        raise InvalidToken(_("This link is not valid. Check that you copied all of it.")) from None
