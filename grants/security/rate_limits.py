"""Rate limits for sign-in and account emails (Flask-Limiter).

Only failed sign-ins count, per account and per address, so a person who mistypes once is not
punished and a credential-stuffing run is slowed down whichever it rotates.
"""

from flask import Response, current_app, request, session
from flask_login import current_user
from limits import parse

from grants.extensions import limiter

# The signed-session key holding a sign-in that passed the password and awaits its code.
PENDING_SIGN_IN = "pending_sign_in"


def sign_in_account_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"]


def sign_in_address_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]


def account_email_limit() -> str:
    return current_app.config["ACCOUNT_EMAIL_LIMIT_PER_ADDRESS"]


def sign_in_account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def two_factor_limit() -> str:
    return current_app.config["TWO_FACTOR_LIMIT_PER_ACCOUNT"]


def count_wrong_code(user_id: int) -> bool:
    """Count one wrong second-factor code for the account (at sign-in or confirming identity);
    True for the one that reaches ``TWO_FACTOR_ALERT_AFTER`` in its window, so the owner is warned
    once, not at every further guess."""
    item = parse(current_app.config["TWO_FACTOR_ALERT_AFTER"])
    keys = ("two-factor-failures", f"user:{user_id}")
    if not limiter.limiter.hit(item, *keys):
        return False
    return limiter.limiter.get_window_stats(item, *keys).remaining == 0


def signed_in_account_key() -> str:
    """The signed-in person (confirming their identity), whatever address they come from."""
    return f"user:{getattr(current_user, 'id', None)}"


def pending_sign_in_key() -> str:
    """The account waiting for its second factor at sign-in (kept in the signed session)."""
    pending = session.get(PENDING_SIGN_IN) or {}
    return f"user:{pending.get('user')}"


def failed_attempt(response: Response) -> bool:
    """An attempt that did not redirect (success) counts against the limits."""
    return response.status_code not in (302, 303)
