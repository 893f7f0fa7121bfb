"""Application pages: starting, the task list, each section, team invitations and submission."""

from grants.applications.views import attachments, drafting, sections, submitting, team
from grants.applications.views.blueprint import bp

__all__ = ["attachments", "bp", "drafting", "sections", "submitting", "team"]
