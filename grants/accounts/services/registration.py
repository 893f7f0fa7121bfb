"""Registering an account and confirming its email address."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from grants.accounts.models import User
from grants.accounts.reference import LANGUAGES
from grants.accounts.services.common import (
    clean_name,
    find_user_by_email,
    normalise_email,
    token_digest,
)
from grants.accounts.services.institutions import institution_for_email
from grants.audit.services import record
from grants.errors import Conflict, InvalidToken, ValidationError
from grants.extensions import db
from grants.links import external_url
from grants.notifications.models import OutboxMessage
from grants.notifications.services import queue_email
from grants.security.passwords import hash_password, password_problem
from grants.security.tokens import sign, unsign
from grants.timeutil import utcnow

VERIFY_PURPOSE = "verify-email"
DUPLICATE_EMAIL = _l("An account with this email address already exists. Sign in, or reset your password.")


def register_user(*, email: str, full_name: str, password: str, language: str = "en") -> User:
    """Create an unverified account and queue the email with its confirmation link."""
    email = normalise_email(email)
    full_name = clean_name(full_name)
    problem = password_problem(password, email=email, name=full_name)
    if problem:
        raise ValidationError(problem, field="password")
    if find_user_by_email(email) is not None:
        raise Conflict(str(DUPLICATE_EMAIL), field="email")
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        language=language if language in LANGUAGES else "en",
        institution=institution_for_email(email),
    )
    if user.institution is not None:
        user.country = user.institution.country
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        # Two registrations raced past the check above; the unique index decides.
        raise Conflict(str(DUPLICATE_EMAIL), field="email") from None
    record(user, "account.registered", user, {"email": [None, email]})
    send_verification_email(user)
    return user


def send_verification_email(user: User) -> OutboxMessage:
    token = sign(VERIFY_PURPOSE, {"user": user.id, "email": user.email})
    max_age = current_app.config["EMAIL_VERIFICATION_MAX_AGE"]
    return queue_email(
        template="verify_email",
        key=f"verify_email:{user.id}:{token_digest(token)[:24]}",
        recipient_email=user.email,
        recipient=user,
        context={
            "name": user.full_name,
            "link": external_url("accounts.verify_email", token=token),
            "valid_for_hours": int(max_age.total_seconds() // 3600),
        },
    )


def resend_verification(email: str) -> None:
    """Send a fresh link if an unverified account has this address; silent otherwise."""
    user = find_user_by_email(email)
    if user is not None and not user.is_verified and user.is_active:
        send_verification_email(user)


def verify_email(token: str) -> User:
    """Mark the address in ``token`` confirmed. Confirming twice is harmless."""
    payload = unsign(VERIFY_PURPOSE, token, current_app.config["EMAIL_VERIFICATION_MAX_AGE"])
    user = db.session.get(User, payload.get("user"))
    if user is None or user.email != payload.get("email"):
        raise InvalidToken(_("This link no longer matches an account. Register again or sign in."))
    if not user.is_verified:
        user.email_verified_at = utcnow()
        record(user, "account.email_verified", user, {"email_verified": [False, True]})
    return user
