"""Re-authentication: the page that satisfies the ``recent_authentication_required`` guard (see
``grants.security.recent_authentication``)."""

from flask import redirect, request, url_for
from flask_login import current_user

from grants.accounts.forms import ConfirmIdentityForm
from grants.accounts.services import reauth, two_factor
from grants.accounts.views.blueprint import bp
from grants.accounts.views.signing_in import after_wrong_code
from grants.errors import DomainError
from grants.extensions import limiter
from grants.security.headers import no_store
from grants.security.policy import SIGNED_IN, declare
from grants.security.rate_limits import failed_attempt, signed_in_account_key, two_factor_limit
from grants.security.recent_authentication import recent_authentication_required
from grants.timeutil import utcnow
from grants.web import attach_error, render_form, safe_next

__all__ = ["confirm_identity", "recent_authentication_required"]  # the guard, for existing imports


@bp.route("/account/confirm-identity", methods=["GET", "POST"])
@declare(SIGNED_IN)
@limiter.limit(
    two_factor_limit,
    key_func=signed_in_account_key,
    methods=["POST"],
    deduct_when=failed_attempt,
    scope="confirm-identity",
)
@no_store
def confirm_identity():
    target = safe_next(request.args.get("next")) or url_for("accounts.profile")
    form = ConfirmIdentityForm()
    asks_code = two_factor.is_enabled(current_user)
    if form.validate_on_submit():
        try:
            reauth.confirm_identity(
                current_user,
                current_user.current_session_token,
                form.password.data,
                form.code.data,
                utcnow(),
            )
        except DomainError as error:
            if getattr(error, "field", None) == "code":
                after_wrong_code(current_user)
            status = attach_error(form, error)
            return render_form("accounts/confirm_identity.html", form, status, asks_code=asks_code)
        return redirect(target, 303)
    return render_form("accounts/confirm_identity.html", form, asks_code=asks_code)
