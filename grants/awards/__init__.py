"""Decisions, awards, agreements, milestones, reports and payments: the life of a funded grant."""
