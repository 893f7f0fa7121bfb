"""Keeping time: the beat's minute tick opens and closes calls and writes reminders to the outbox."""
