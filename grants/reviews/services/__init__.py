"""The rules of reviewing: profiles, conflicts, bids, assignment, invitations, reviews, scores."""
