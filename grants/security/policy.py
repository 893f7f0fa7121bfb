"""Route access policy: every endpoint declares who may reach it.

``@declare(policy)`` records the policy on the view function and enforces it: anonymous users are
sent to sign in, users without a required role get 403. With ``load=`` the decorator also fetches
the object named in the URL (404 first) and asks a pure predicate whether this user may act on it.
Endpoints without a declaration are refused at request time (fail closed), and
``undeclared_endpoints`` lets a test catch them before they ship.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import wraps
from typing import Any

from flask import Flask, abort, request
from flask_login import current_user

from grants.accounts.roles import Role
from grants.extensions import login_manager
from grants.security.refusals import init_refusal_log, note_refusal, note_subject

POLICY_ATTRIBUTE = "access_policy"


class Access(Enum):
    ALLOW = "allow"
    SIGN_IN = "sign in"
    FORBID = "forbid"


@dataclass(frozen=True)
class Policy:
    """Who may reach an endpoint: anyone, any signed-in user, or holders of one of ``roles``."""

    name: str
    requires_sign_in: bool = True
    roles: frozenset[Role] = field(default_factory=frozenset)

    def decide(self, user: Any) -> Access:
        if not self.requires_sign_in:
            return Access.ALLOW
        if not getattr(user, "is_authenticated", False):
            return Access.SIGN_IN
        if self.roles and not any(user.has_role(role) for role in self.roles):
            return Access.FORBID
        return Access.ALLOW


PUBLIC = Policy("public", requires_sign_in=False)
SIGNED_IN = Policy("signed in")


def any_role(*roles: Role) -> Policy:
    return Policy("role: " + " or ".join(sorted(roles)), roles=frozenset(roles))


ADMIN = any_role(Role.ADMIN)
OFFICER = any_role(Role.OFFICER)
STAFF = any_role(Role.OFFICER, Role.ADMIN)


@dataclass(frozen=True)
class Loads:
    """Fetch the object a route acts on: ``loader(view_args[param])`` becomes kwarg ``name``."""

    param: str
    loader: Callable[[Any], Any]
    name: str


def declare(
    policy: Policy,
    *,
    load: Loads | None = None,
    check: Callable[[Any, Any], bool] | None = None,
) -> Callable:
    """Guard a view with ``policy`` and, optionally, an object-level ``check(user, obj)``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(**kwargs: Any):
            if load is not None:
                note_subject(load.name, kwargs.get(load.param))
            decision = policy.decide(current_user)
            if decision is Access.SIGN_IN:
                note_refusal(policy.name, logging.INFO)
                return login_manager.unauthorized()
            if decision is Access.FORBID:
                refuse(policy.name)
            if load is not None:
                subject = load.loader(kwargs.pop(load.param))
                if subject is None:
                    abort(404)
                if check is not None and not check(current_user, subject):
                    refuse(check.__name__)
                kwargs[load.name] = subject
            return view(**kwargs)

        setattr(guarded, POLICY_ATTRIBUTE, policy)
        return guarded

    return decorator


def refuse(reason: str) -> None:
    """Answer 403, noting ``reason`` for the refusal log (``grants.security.refusals``)."""
    note_refusal(reason)
    abort(403)


def policy_table(app: Flask) -> dict[str, Policy | None]:
    """Every endpoint of ``app`` with its declared policy (None where nothing is declared)."""
    return {endpoint: getattr(view, POLICY_ATTRIBUTE, None) for endpoint, view in app.view_functions.items()}


def undeclared_endpoints(app: Flask) -> list[str]:
    return sorted(endpoint for endpoint, policy in policy_table(app).items() if policy is None)


def init_policy(app: Flask) -> None:
    """Declare Flask's static route public and refuse any endpoint that declares nothing."""
    if "static" in app.view_functions:
        app.view_functions["static"] = declare(PUBLIC)(app.view_functions["static"])

    init_refusal_log(app)

    @app.before_request
    def _refuse_undeclared_endpoints():
        view = app.view_functions.get(request.endpoint or "")
        if view is not None and not hasattr(view, POLICY_ATTRIBUTE):
            note_refusal("no access policy declared", logging.ERROR)
            abort(403)
