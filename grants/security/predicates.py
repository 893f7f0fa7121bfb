"""Object-level rules: pure functions of the acting user and the object, tested without HTTP."""

from typing import Any

from grants.accounts.roles import GRANTABLE_ROLES, INVITABLE_ROLES, Role
from grants.reviews.detection import detect_conflicts
from grants.reviews.people import reviewer_person, team_people
from grants.reviews.states import ACTIVE_ASSIGNMENT_STATES


def can_manage_accounts(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.ADMIN)


def can_change_role(actor: Any, target: Any, role: Role) -> bool:
    """Admins grant and revoke stored roles, except their own admin role (no self-lock-out)."""
    if not can_manage_accounts(actor) or role not in GRANTABLE_ROLES:
        return False
    return not (role is Role.ADMIN and actor.id == target.id)


def can_invite(actor: Any, role: Role) -> bool:
    return role in INVITABLE_ROLES and _is_staff(actor)


def _is_staff(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.has_role(Role.OFFICER) or user.has_role(Role.ADMIN)


def can_manage_calls(user: Any) -> bool:
    """Programme officers set up programmes, funders and calls."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.OFFICER)


def can_see_call(user: Any, call: Any) -> bool:
    """Anyone sees a call once it has opened; drafts only officers and admins."""
    return call.state != "draft" or _is_staff(user)


def team_membership(user: Any, application: Any) -> Any | None:
    """The joined team member row for ``user`` on ``application``, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    for member in application.members:
        if member.user_id == user.id and member.accepted_at is not None:
            return member
    return None


def can_view_application(user: Any, application: Any) -> bool:
    """The team that wrote it and the staff who run the call, unless they are conflicted with it."""
    if team_membership(user, application) is not None:
        return True
    return _is_staff(user) and not _staff_conflict(user, application)


def _staff_conflict(user: Any, application: Any) -> bool:
    """Staff are held to the same conflict rules as reviewers once an application is in review."""
    return application.state != "draft" and has_conflict(user, application)


def can_edit_application(user: Any, application: Any) -> bool:
    return application.state == "draft" and team_membership(user, application) is not None


def can_lead_application(user: Any, application: Any) -> bool:
    """The lead applicant manages the team, submits and withdraws."""
    return getattr(user, "is_authenticated", False) and application.lead_applicant_id == user.id


def can_reopen_application(user: Any, application: Any) -> bool:
    return can_manage_calls(user)


def can_download_attachment(user: Any, attachment: Any) -> bool:
    """The team, staff, and the application's reviewers (see ``reviewer_may_open``)."""
    return can_view_application(user, attachment.application) or reviewer_may_open(user, attachment)


def conflict_reasons(user: Any, application: Any) -> list[str]:
    """Why ``user`` must stay away from ``application``: recorded conflicts of every source, and
    whatever detection finds now (so a conflict counts even before anyone stored it)."""
    if not getattr(user, "is_authenticated", False):
        return []
    reasons = [c.reason for c in application.conflicts if c.reviewer_id == user.id]
    found = detect_conflicts([team_people(application)], [reviewer_person(user)])
    return reasons + [conflict.reason for conflict in found if conflict.reason not in reasons]


def has_conflict(user: Any, application: Any) -> bool:
    return bool(conflict_reasons(user, application))


def _own_assignment(user: Any, assignment: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and assignment.reviewer_id == user.id


def can_respond_to_assignment(user: Any, assignment: Any) -> bool:
    """The invited reviewer sees the invitation (title and summary) and answers it; once declined
    or cancelled it is closed to them."""
    return (
        _own_assignment(user, assignment)
        and assignment.state in ACTIVE_ASSIGNMENT_STATES
        and not has_conflict(user, assignment.application)
    )


def can_review(user: Any, assignment: Any) -> bool:
    """The reviewer who accepted, and never while a conflict stands."""
    return (
        _own_assignment(user, assignment)
        and assignment.state == "accepted"
        and not has_conflict(user, assignment.application)
    )


def can_bid(user: Any, application: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.has_role(Role.REVIEWER)
        and application.call.invites_bids
        and not has_conflict(user, application)
    )


def can_see_scores(user: Any, application: Any) -> bool:
    """Officers see scores and reviews, except on applications they are conflicted with, and
    never while they still owe a review of it themselves (no reviewer reads others' scores first)."""
    if not can_manage_calls(user) or has_conflict(user, application):
        return False
    return not any(
        assignment.reviewer_id == user.id
        and assignment.state in ACTIVE_ASSIGNMENT_STATES
        and not assignment.has_submitted_review
        for assignment in application.review_assignments
    )


def can_route_reviews(user: Any, application: Any) -> bool:
    """Officers choose reviewers for applications they have no conflict with."""
    return can_manage_calls(user) and not has_conflict(user, application)


def can_unlock_review(user: Any, review: Any) -> bool:
    return can_see_scores(user, review.assignment.application)


def reviewer_may_open(user: Any, attachment: Any) -> bool:
    """An accepted, unconflicted reviewer of the application; in a double-blind call only the
    documents about the work, not CVs or letters that name the team."""
    application = attachment.application
    if application.call.double_blind and attachment.kind in {"cv", "letter_of_support"}:
        return False
    return any(
        can_review(user, assignment)
        for assignment in application.review_assignments
        if assignment.reviewer_id == getattr(user, "id", None)
    )


def can_decide(user: Any, application: Any) -> bool:
    """Officers record decisions, except on applications they are conflicted with."""
    return can_manage_calls(user) and not has_conflict(user, application)


def is_lead_investigator(user: Any, application: Any) -> bool:
    """A joined lead investigator (one per country on a bilateral call)."""
    member = team_membership(user, application)
    return member is not None and member.role == "lead"


def can_view_award(user: Any, award: Any) -> bool:
    """The award's team and the officers who are not conflicted with it."""
    return team_membership(user, award.application) is not None or can_decide(user, award.application)


def can_manage_award(user: Any, award: Any) -> bool:
    return can_decide(user, award.application)


def can_accept_agreement(user: Any, award: Any) -> bool:
    """Each lead investigator accepts an offered award's agreement for their side."""
    return award.state == "offered" and is_lead_investigator(user, award.application)


def can_view_report(user: Any, report: Any) -> bool:
    return can_view_award(user, report.award)


def can_write_report(user: Any, report: Any) -> bool:
    """The team writes a report that is due or sent back, once the award is running (a terminated
    award still owes its final report)."""
    return (
        team_membership(user, report.award.application) is not None
        and report.is_editable
        and report.award.state in ("active", "terminated", "completed")
    )


def can_download_report_file(user: Any, report_file: Any) -> bool:
    return can_view_report(user, report_file.report)


def can_release_payment(user: Any, payment: Any) -> bool:
    return can_manage_award(user, payment.award)


def can_record_milestone(user: Any, milestone: Any) -> bool:
    """The team records a milestone as achieved; officers may too."""
    award = milestone.award
    return team_membership(user, award.application) is not None or can_manage_award(user, award)


def can_review_report(user: Any, report: Any) -> bool:
    return can_manage_award(user, report.award)


def can_see_reviewer_identities(user: Any, call: Any, assignments: Any) -> bool:
    """Officers may see who reviews in a call (names, emails, institutions in an export), except
    an officer who is an invited or accepted reviewer in it themselves: a reviewer never learns
    who the others are. ``assignments`` are the call's review assignments, or at least the user's
    own in it (anything with ``call_id``, ``reviewer_id`` and ``state``); the caller looks them
    up, so the rule stays a pure function."""
    if not can_manage_calls(user):
        return False
    return not any(
        assignment.call_id == call.id
        and assignment.reviewer_id == user.id
        and assignment.state in ACTIVE_ASSIGNMENT_STATES
        for assignment in assignments
    )
