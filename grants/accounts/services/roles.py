"""Granting and revoking roles (admins), and the account list they work from."""

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from grants.accounts.models import User, UserRole
from grants.accounts.roles import Role
from grants.audit.services import record
from grants.errors import Conflict, PermissionDenied
from grants.links import external_url
from grants.notifications.services import queue_email
from grants.paging import page_within
from grants.security.predicates import can_change_role


def grant_role(actor: User | None, target: User, role: Role, *, via_invitation: bool = False) -> None:
    """Give ``target`` a stored role. ``via_invitation`` means an accepted invitation authorises it."""
    if not via_invitation and not can_change_role(actor, target, role):
        raise PermissionDenied(_("You cannot grant this role."))
    if target.has_role(role):
        raise Conflict(
            _("%(name)s is already a %(role)s.", name=target.full_name, role=role.label.lower())
        )
    target.role_rows.append(UserRole(role=role.value, granted_by_id=getattr(actor, "id", None)))
    record(actor or target, "role.granted", target, {"roles": [None, role.value]})
    queue_email(
        template="role_granted",
        key=f"role_granted:{target.id}:{role.value}:{len(target.role_rows)}",
        recipient_email=target.email,
        recipient=target,
        context={"name": target.full_name, "role": role.value, "link": external_url("core.home")},
    )


def revoke_role(actor: User, target: User, role: Role) -> None:
    if not can_change_role(actor, target, role):
        raise PermissionDenied(_("You cannot revoke this role (administrators keep their own)."))
    row = next((row for row in target.role_rows if row.role == role.value), None)
    if row is None:
        raise Conflict(_("%(name)s is not a %(role)s.", name=target.full_name, role=role.label.lower()))
    target.role_rows.remove(row)
    record(actor, "role.revoked", target, {"roles": [role.value, None]})


def search_users(query: str = "", role: Role | None = None, page: int = 1, per_page: int = 25):
    """A page of accounts whose name or email contains ``query``, optionally holding ``role``."""
    statement = select(User).order_by(User.full_name, User.id)
    needle = (query or "").strip().lower()
    if needle:
        pattern = f"%{needle}%"
        statement = statement.where(
            or_(func.lower(User.full_name).like(pattern), func.lower(User.email).like(pattern))
        )
    if role is not None and role is not Role.RESEARCHER:
        statement = statement.where(User.role_rows.any(UserRole.role == role.value))
    return page_within(statement, page, per_page)
