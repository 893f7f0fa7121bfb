"""Emails to a reviewer about one of their invitations, written to the outbox."""

from typing import Any

from grants.notifications.services import queue_email
from grants.reviews.models import ReviewAssignment


def email_reviewer(assignment: ReviewAssignment, template: str, key: str, **context: Any) -> None:
    """Queue ``template`` to the assignment's reviewer, with who, which call and which proposal."""
    reviewer = assignment.reviewer
    queue_email(
        template=template,
        key=key,
        recipient_email=reviewer.email,
        recipient=reviewer,
        context={
            "name": reviewer.full_name,
            "call": assignment.call.title,
            "title": assignment.application.title,
            **context,
        },
    )
