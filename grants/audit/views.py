"""The audit log, browsable by officers and admins."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from grants.audit.browse import (
    action_prefixes,
    audit_page,
    change_lines,
    parse_filters,
    subject_label,
    subject_types,
)
from grants.audit.models import AuditEvent
from grants.audit.redaction import conflicted_events
from grants.security.policy import ADMIN, OFFICER, STAFF, Access, Policy, declare
from grants.templating import viewer_zone
from grants.web import page_number

bp = Blueprint("audit", __name__)

# The page each kind of object has, and who may open it: an event links there only for a viewer
# the page's role rule lets in (object-level checks, such as conflicts of interest, still apply).
SUBJECT_PAGES: dict[str, tuple[str, str, Policy]] = {
    "Award": ("awards.show", "award_id", OFFICER),
    "Report": ("awards.report", "report_id", OFFICER),
    "Application": ("applications.overview", "application_id", STAFF),
    "Call": ("calls.manage_call", "call_id", STAFF),
    "AssignmentProposal": ("reviews.proposal", "proposal_id", OFFICER),
    "User": ("admin.user_detail", "user_id", ADMIN),
}


def subject_url(event: AuditEvent) -> str | None:
    """The page of the object ``event`` is about, where it has one this viewer may open."""
    page = SUBJECT_PAGES.get(event.subject_type)
    if page is None or event.subject_id is None:
        return None
    endpoint, param, policy = page
    if policy.decide(current_user) is not Access.ALLOW:
        return None
    return url_for(endpoint, **{param: event.subject_id})


@bp.get("/manage/audit")
@declare(STAFF)
def log():
    filters, problems = parse_filters(request.args)
    zone = viewer_zone()
    page = audit_page(current_user, filters, zone, page=page_number())
    return render_template(
        "audit/log.html",
        zone=zone,
        filters=filters,
        problems=problems,
        entered=request.args,
        page=page,
        conflicted=conflicted_events(page.items, current_user),
        types=subject_types(),
        prefixes=action_prefixes(),
        subject_url=subject_url,
        subject_label=subject_label,
        change_lines=change_lines,
    )
