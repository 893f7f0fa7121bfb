"""Accounts: people, institutions, roles, sign-in sessions and invitations."""
