"""The applications blueprint and what its pages share: loading an application, the section pages'
common context, and the page a refused edit shows."""

from flask import Blueprint, render_template
from flask_login import current_user

from grants.applications.services.budget import CATEGORY_LABELS, funder_totals
from grants.applications.services.checklist import sections
from grants.applications.services.confirmations import side_statuses
from grants.applications.services.declarations import DECLARATION_TITLES
from grants.applications.services.listing import find_application, find_attachment
from grants.security.policy import Loads
from grants.security.predicates import can_edit_application, can_lead_application
from grants.timeutil import utcnow

bp = Blueprint("applications", __name__)
LOAD_APPLICATION = Loads("application_id", find_application, "application")
LOAD_ATTACHMENT = Loads("attachment_id", find_attachment, "attachment")


def section_page(template: str, application, status: int = 200, **context):
    """Render a section of an application with the task list beside it."""
    now = utcnow()
    return render_template(
        template,
        application=application,
        sections=sections(application, now, context.get("gaps")),
        editable=can_edit_application(current_user, application)
        and (application.submission_count > 0 or application.call.accepts_submissions(now)),
        is_lead=can_lead_application(current_user, application),
        **context,
    ), status


@bp.app_context_processor
def _budget_helpers() -> dict:
    """What the read-only application summary needs on any page that includes it."""
    return {
        "budget_totals": funder_totals,
        "budget_categories": CATEGORY_LABELS,
        "declaration_titles": DECLARATION_TITLES,
        "side_statuses": side_statuses,
    }
