"""Object-level rules: pure functions of the acting user and the object, tested without HTTP."""

from typing import Any

from grants.accounts.roles import GRANTABLE_ROLES, INVITABLE_ROLES, Role


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
    """The team that wrote it and the staff who run the call."""
    return team_membership(user, application) is not None or _is_staff(user)


def can_edit_application(user: Any, application: Any) -> bool:
    return application.state == "draft" and team_membership(user, application) is not None


def can_lead_application(user: Any, application: Any) -> bool:
    """The lead applicant manages the team, submits and withdraws."""
    return getattr(user, "is_authenticated", False) and application.lead_applicant_id == user.id


def can_reopen_application(user: Any, application: Any) -> bool:
    return can_manage_calls(user)


def can_download_attachment(user: Any, attachment: Any) -> bool:
    """The team and staff. Assigned reviewers without a conflict join when review routing lands."""
    return can_view_application(user, attachment.application)
