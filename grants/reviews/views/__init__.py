"""Review pages: the reviewer's profile, invitations, bids and review form; the officer's routing,
proposal preview, conflicts, reviews and ranking."""

from grants.reviews.views import officer_reviews, profile, proposals, reviewer, routing
from grants.reviews.views.blueprint import bp

__all__ = ["bp", "officer_reviews", "profile", "proposals", "reviewer", "routing"]
