"""Rate limits for sign-in and account emails (Flask-Limiter).

Only failed sign-ins count, per account and per address, so a person who mistypes once is not
punished and a credential-stuffing run is slowed down whichever it rotates.
"""

from flask import Response, current_app, request


def sign_in_account_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"]


def sign_in_address_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]


def account_email_limit() -> str:
    return current_app.config["ACCOUNT_EMAIL_LIMIT_PER_ADDRESS"]


def sign_in_account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def failed_attempt(response: Response) -> bool:
    """A sign-in that did not redirect (success) counts against the limits."""
    return response.status_code != 302
