"""Services for applications: drafting, team, budget, attachments, checklist, submission."""
