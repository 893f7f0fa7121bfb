"""Re-authentication: the ``recent_authentication_required`` guard. The page that satisfies it,
``accounts.confirm_identity``, lives in ``grants.accounts.views.reauth``; the guard lives here so
that the accounts views, the admin views and the privacy views can all use it (import-linter keeps
the first two independent).

Put the guard under the route's ``@declare(...)``, on the GET of the form page and on its POST::

    @bp.route("/profile/email", methods=["GET", "POST"])
    @declare(SIGNED_IN)
    @recent_authentication_required
    def change_email(): ...

A POST whose form lives on another page names that page's endpoint, so the person comes back to
the form (the posted data is dropped on purpose: they type it again after proving who they are)::

    @recent_authentication_required(back="accounts.profile")

``back`` may have path variables of its own, filled from the POST's (``admin.user_detail`` for
``/admin/users/<user_id>/roles``).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from grants.accounts.services import reauth
from grants.timeutil import utcnow


def recent_authentication_required(view: Callable | None = None, *, back: str | None = None) -> Callable:
    """Send the person to confirm their identity first when this session's last proof is older
    than ``REAUTHENTICATION_WINDOW``; they come back to this page (or to ``back``) afterwards."""

    def decorator(inner: Callable) -> Callable:
        @wraps(inner)
        def guarded(**kwargs: Any):
            if reauth.is_recently_authenticated(current_user, current_user.current_session_token, utcnow()):
                return inner(**kwargs)
            if request.method == "GET":
                target = request.full_path.rstrip("?")
            else:
                target = _back_url(back) if back else request.path
            return redirect(url_for("accounts.confirm_identity", next=target), 303)

        return guarded

    return decorator(view) if view is not None else decorator


def _back_url(endpoint: str) -> str:
    """``endpoint``'s URL, filling its path variables from this request's (the user page an admin
    action was posted from shares its ``user_id``)."""
    view_args = request.view_args or {}
    arguments = next(current_app.url_map.iter_rules(endpoint)).arguments
    return url_for(endpoint, **{name: view_args[name] for name in arguments if name in view_args})
