"""Two-factor authentication: enrolling an authenticator app, recovery codes, checking the second
factor at sign-in, turning it off, and an administrator's reset for a lost phone.

A secret is *pending* while the person has been shown it but has not yet typed a code from their
app. A pending secret lives, sealed, in that one browser's signed session (the view keeps it), never
on the ``users`` row: were it stored there, anyone who knew the password could plant a secret of
their own before the owner enrolled. Every visit to the setup page makes a new one; only
``confirm_enrolment`` writes a secret to ``users.totp_secret``. Recovery codes are stored as keyed
digests (HMAC under a key derived from ``SECRET_KEY``), so neither a database dump nor the audit
trail reveals one.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from grants.accounts.models import RecoveryCode, User
from grants.accounts.services.sessions import end_other_sessions
from grants.audit.services import record
from grants.errors import Conflict, DomainError, ValidationError
from grants.extensions import db
from grants.links import external_url
from grants.notifications.services import queue_email
from grants.security import totp

log = logging.getLogger("grants.access")
RECOVERY_CODE_COUNT = 10
# Crockford's base32: no i, l, o or u, so nothing reads as another character. Ten characters
# carry 50 bits.
RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
RECOVERY_CODE_LENGTH = 10
_READ_AS = str.maketrans({"i": "1", "l": "1", "o": "0"})
_RECOVERY_DIGEST_INFO = b"grants recovery code digest v1"


class TwoFactorRequired(DomainError):
    """The person's role requires two-factor, so it stays on (a refusal shown as a message)."""

    status = 403


def _secret_key() -> str:
    return current_app.config["SECRET_KEY"]


def two_factor_required(user: User) -> bool:
    """Whether ``user``'s roles oblige them to use two-factor authentication."""
    required = current_app.config["TWO_FACTOR_REQUIRED_ROLES"]
    return any(role in required for role in user.roles)


def is_enabled(user: User) -> bool:
    return user.totp_enabled_at is not None


def must_enrol(user: User) -> bool:
    """Whether ``user`` holds a role that requires two-factor but has not turned it on yet."""
    return not is_enabled(user) and two_factor_required(user)


def secret_of(user: User) -> str:
    """The plain secret of an enrolled user (for the sign-in check and the demo CLI)."""
    if user.totp_secret is None:
        raise Conflict(_("Two-factor authentication is not set up for this account."))
    return totp.unseal(user.totp_secret, _secret_key())


def begin_enrolment(user: User) -> str:
    """A new secret, sealed, for the setup page to keep in this browser's session only; nothing is
    written to the database (see the module docstring)."""
    if is_enabled(user):
        raise Conflict(_("Two-factor authentication is already on."))
    return totp.seal(totp.new_secret(), _secret_key())


def pending_secret(sealed: str) -> str:
    """The plain form of a sealed pending secret (to show as a QR code and a key)."""
    return totp.unseal(sealed, _secret_key())


def confirm_enrolment(
    user: User, sealed_secret: str | None, code: str, now: datetime, keep_token: str | None
) -> tuple[list[str], int]:
    """Turn two-factor on once ``code`` proves the app holds the pending secret this browser was
    shown, and end the account's other sessions (keeping ``keep_token``'s): one of them may be
    whoever made enrolment necessary. Returns the recovery codes in plain text, the only time they
    are ever shown, and how many other sessions ended."""
    if is_enabled(user):
        raise Conflict(_("Two-factor authentication is already on."))
    try:
        secret = pending_secret(sealed_secret) if sealed_secret else None
    except totp.SecretUnreadable:
        secret = None
    if secret is None:
        raise Conflict(_("Start setting up two-factor authentication again."))
    step = totp.matching_step(secret, code, now, None)
    if step is None:
        raise ValidationError(
            _("That code is not right. Type the 6-digit code your app shows now."), field="code"
        )
    user.totp_secret = sealed_secret
    user.totp_enabled_at = now
    user.totp_last_step = step
    codes = _replace_recovery_codes(user, now)
    ended = end_other_sessions(user, keep_token)
    changes = {"two_factor": ["off", "on"], "other_sessions": [ended, 0]}
    record(user, "account.two_factor_enabled", user, changes)
    _notify_change(user, "enabled", now)
    return codes, ended


def pending_sign_in_user(user_id: object, started_at: object, now: datetime) -> User | None:
    """The account a half-finished sign-in (password right, code not yet typed) waits for, or None
    once it waited longer than ``TWO_FACTOR_PENDING_LIFETIME``, the account was disabled or
    two-factor was turned off meanwhile. The arguments come from the signed session, so any type."""
    lifetime = current_app.config["TWO_FACTOR_PENDING_LIFETIME"].total_seconds()
    try:
        waited = now.timestamp() - float(started_at or 0)
    except (TypeError, ValueError):
        return None
    if not 0 <= waited <= lifetime or not isinstance(user_id, int):
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_active and is_enabled(user) else None


def verify_second_factor(user: User, code: str, now: datetime) -> bool:
    """The one public check of a second factor: a current authenticator code not used before,
    or an unused recovery code (which is then spent). Audits which kind was used, never the code."""
    if not is_enabled(user) or not code:
        return False
    if _accept_totp(user, code, now):
        record(user, "account.second_factor_used", user, {"method": [None, "authenticator"]})
        return True
    if _spend_recovery_code(user, code, now):
        left = recovery_codes_left(user)
        record(user, "account.second_factor_used", user, {"method": [None, "recovery code"]})
        queue_email(
            template="recovery_code_used",
            key=f"recovery_code_used:{user.id}:{now.isoformat()}",
            recipient_email=user.email,
            recipient=user,
            context={
                "name": user.full_name,
                "left": left,
                "link": external_url("accounts.two_factor_settings"),
            },
        )
        return True
    return False


def warn_of_wrong_codes(user: User, now: datetime) -> None:
    """Email the owner that someone keeps typing wrong codes for their account: whoever it is
    knows the password. At most one email an hour (the outbox key names the hour)."""
    log.warning("repeated wrong second-factor codes for user %s", user.id)
    queue_email(
        template="two_factor_wrong_codes",
        key=f"two_factor_wrong_codes:{user.id}:{now:%Y-%m-%dT%H}",
        recipient_email=user.email,
        recipient=user,
        context={"name": user.full_name, "link": external_url("accounts.forgot_password")},
    )


def _accept_totp(user: User, code: str, now: datetime) -> bool:
    try:
        secret = secret_of(user)
    except totp.SecretUnreadable:
        # SECRET_KEY changed since enrolment (recovery code digests are keyed by it too): only an
        # administrator's reset helps now. Refuse rather than fail the page.
        log.error("two-factor secret of user %s does not open with the current SECRET_KEY", user.id)
        return False
    step = totp.matching_step(secret, code, now, user.totp_last_step)
    if step is None:
        return False
    # Conditional update: of two requests racing with the same code, only one moves the step on.
    moved = db.session.execute(
        update(User)
        .where(User.id == user.id, (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return False
    user.totp_last_step = step
    db.session.flush()
    return True


def _spend_recovery_code(user: User, code: str, now: datetime) -> bool:
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == recovery_digest(user.id, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


def recovery_digest(user_id: int, code: str) -> str:
    """The stored form of a recovery code, as typed (case, spaces, dashes and look-alikes ignored)."""
    normal = "".join(ch for ch in (code or "").lower() if ch.isalnum()).translate(_READ_AS)
    key = totp.derive_key(_secret_key(), _RECOVERY_DIGEST_INFO)
    return hmac.new(key, f"{user_id}:{normal}".encode(), hashlib.sha256).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _replace_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=recovery_digest(user.id, code), created_at=now)
        for code in codes
    )
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def regenerate_recovery_codes(user: User, now: datetime) -> list[str]:
    """A fresh set of recovery codes; every earlier one stops working."""
    if not is_enabled(user):
        raise Conflict(_("Turn on two-factor authentication first."))
    codes = _replace_recovery_codes(user, now)
    record(user, "account.recovery_codes_replaced", user, {"recovery_codes": ["(hidden)", "(replaced)"]})
    return codes


def turn_off(user: User, now: datetime) -> None:
    """Stop asking ``user`` for a code; refused when their roles require two-factor."""
    if not is_enabled(user):
        raise Conflict(_("Two-factor authentication is already off."))
    if two_factor_required(user):
        raise TwoFactorRequired(
            _("Your role requires two-factor authentication, so it cannot be turned off.")
        )
    _clear(user)
    record(user, "account.two_factor_disabled", user, {"two_factor": ["on", "off"]})
    _notify_change(user, "disabled", now)


def reset_two_factor(admin: User, target: User, now: datetime) -> int:
    """An administrator clears ``target``'s two-factor (a lost phone) and signs them out
    everywhere, since whoever holds the lost device may hold a session too; they set two-factor up
    again at their next sign-in if their role requires it. Returns how many sessions ended."""
    if target.totp_secret is None:
        raise Conflict(_("%(name)s does not use two-factor authentication.", name=target.full_name))
    _clear(target)
    ended = end_other_sessions(target)
    record(admin, "account.two_factor_reset", target, {"two_factor": ["on", "off"], "sessions": [ended, 0]})
    _notify_change(target, "reset", now)
    return ended


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def _notify_change(user: User, change: str, now: datetime) -> None:
    queue_email(
        template="two_factor_changed",
        key=f"two_factor_changed:{user.id}:{change}:{now.isoformat()}",
        recipient_email=user.email,
        recipient=user,
        context={
            "name": user.full_name,
            "change": change,
            "link": external_url("accounts.two_factor_settings"),
        },
    )
