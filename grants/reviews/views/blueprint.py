"""The reviews blueprint and the objects its routes load."""

from flask import Blueprint

from grants.applications.services.listing import find_application
from grants.calls.services.listing import find_call
from grants.reviews.services.listing import find_assignment, find_conflict, find_proposal, find_review
from grants.reviews.states import ConflictSource
from grants.security.policy import Loads
from grants.security.predicates import has_conflict

bp = Blueprint("reviews", __name__)


@bp.context_processor
def _review_helpers() -> dict:
    return {"has_conflict": has_conflict, "conflict_sources": ConflictSource}


LOAD_ASSIGNMENT = Loads("assignment_id", find_assignment, "assignment")
LOAD_CALL = Loads("call_id", find_call, "call")
LOAD_PROPOSAL = Loads("proposal_id", find_proposal, "proposal")
LOAD_REVIEW = Loads("review_id", find_review, "review")
LOAD_CONFLICT = Loads("conflict_id", find_conflict, "conflict")
LOAD_APPLICATION = Loads("application_id", find_application, "application")
