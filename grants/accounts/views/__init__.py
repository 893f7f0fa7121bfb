"""Account pages: registration, sign-in, passwords, profile and invitations."""

from grants.accounts.views import (
    email_change,
    invitations,
    passwords,
    profile,
    reauth,
    registration,
    sessions,
    signing_in,
    two_factor,
)
from grants.accounts.views.blueprint import bp

__all__ = [
    "bp",
    "email_change",
    "invitations",
    "passwords",
    "profile",
    "reauth",
    "registration",
    "sessions",
    "signing_in",
    "two_factor",
]
