"""Applications: proposals, their teams, budgets, attachments, answers and submission."""
