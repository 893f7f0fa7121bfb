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
    if role not in INVITABLE_ROLES or not getattr(actor, "is_authenticated", False):
        return False
    return actor.has_role(Role.OFFICER) or actor.has_role(Role.ADMIN)

