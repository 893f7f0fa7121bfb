"""Account rules: registration, sign-in sessions, passwords, profiles, roles, invitations."""
