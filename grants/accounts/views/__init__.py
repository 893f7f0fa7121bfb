"""Account pages: registration, sign-in, passwords, profile and invitations."""

from grants.accounts.views import invitations, passwords, profile, registration, signing_in
from grants.accounts.views.blueprint import bp

__all__ = ["bp", "invitations", "passwords", "profile", "registration", "signing_in"]
