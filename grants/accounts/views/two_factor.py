"""Two-factor settings: status, setting up an authenticator app, recovery codes, turning it off.

Changing any of these asks for the password again (``recent_authentication_required``), so
someone at an unlocked computer cannot take over, or strip, the second factor.
"""

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.accounts.forms import ConfirmForm, EnrolTwoFactorForm
from grants.accounts.services import two_factor
from grants.accounts.views.blueprint import bp
from grants.accounts.views.reauth import recent_authentication_required
from grants.errors import DomainError
from grants.security import totp
from grants.security.headers import no_store
from grants.security.policy import SIGNED_IN, declare
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, perform, render_form

# The signed-session key of the secret this browser's setup page shows (sealed), until confirmed.
PENDING_ENROLMENT = "pending_enrolment"
# What a signed-in officer or admin without two-factor may still reach: setting it up (which may
# ask for the password again), signing out, the session clock, and the pages every visitor needs.
REACHABLE_BEFORE_ENROLMENT = frozenset(
    {
        "accounts.two_factor_settings",
        "accounts.two_factor_setup",
        "accounts.confirm_identity",
        "accounts.sign_out",
        # The page script asks how long the session has left (and may keep it alive): a redirect
        # to the setup page would be followed by fetch and read as HTML.
        "accounts.session_status",
        "accounts.keep_alive",
        "static",
        "language.choose",
        "core.health",
    }
)


def _me():
    return current_user._get_current_object()


@bp.before_app_request
def require_two_factor_enrolment():
    """Send officers and admins who have not set up two-factor to do so, whatever they ask for.
    Checked on every request, so a role granted mid-session takes effect at the next one."""
    if request.endpoint in REACHABLE_BEFORE_ENROLMENT or not current_user.is_authenticated:
        return None
    if not two_factor.must_enrol(current_user):
        return None
    return redirect(url_for("accounts.two_factor_setup"), 303 if request.method != "GET" else 302)


@bp.get("/account/two-factor")
@declare(SIGNED_IN)
def two_factor_settings():
    user = _me()
    enabled = two_factor.is_enabled(user)
    return render_template(
        "accounts/two_factor.html",
        enabled=enabled,
        required=two_factor.two_factor_required(user),
        codes_left=two_factor.recovery_codes_left(user) if enabled else 0,
        form=ConfirmForm(),
    )


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@declare(SIGNED_IN)
@recent_authentication_required
@no_store
def two_factor_setup():
    user = _me()
    if two_factor.is_enabled(user):
        return redirect(url_for(".two_factor_settings"))
    form = EnrolTwoFactorForm()
    status = None
    pending = session.get(PENDING_ENROLMENT)
    sealed = pending.get("secret") if isinstance(pending, dict) and pending.get("user") == user.id else None
    if form.validate_on_submit():
        try:
            codes, ended = two_factor.confirm_enrolment(
                user, sealed, form.code.data, utcnow(), current_user.current_session_token
            )
        except DomainError as error:
            status = attach_error(form, error)
        else:
            session.pop(PENDING_ENROLMENT, None)
            if ended:
                flash_success(
                    _("Two-factor authentication is on. %(num)s other session(s) signed out.", num=ended)
                )
            else:
                flash_success(_("Two-factor authentication is on."))
            return render_template("accounts/two_factor_codes.html", codes=codes)
    secret = _readable(sealed) if request.method == "POST" else None
    if secret is None:
        # A new secret on every visit, kept in this browser only: one shown elsewhere (to
        # someone else who knows the password) cannot be confirmed here.
        sealed = two_factor.begin_enrolment(user)
        session[PENDING_ENROLMENT] = {"user": user.id, "secret": sealed}
        secret = two_factor.pending_secret(sealed)
    uri = totp.provisioning_uri(secret, user.email)
    return render_form(
        "accounts/two_factor_setup.html",
        form,
        status,
        qr=totp.qr_svg(uri, _("QR code to scan with your authenticator app")),
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
        required=two_factor.two_factor_required(user),
    )


def _readable(sealed: str | None) -> str | None:
    """The plain pending secret of a wrong code's page, to show the same one again."""
    try:
        return two_factor.pending_secret(sealed) if sealed else None
    except totp.SecretUnreadable:
        return None


@bp.post("/account/two-factor/recovery-codes")
@declare(SIGNED_IN)
@recent_authentication_required(back="accounts.two_factor_settings")
@no_store
def regenerate_recovery_codes():
    try:
        codes = two_factor.regenerate_recovery_codes(_me(), utcnow())
    except DomainError:
        return redirect(url_for(".two_factor_settings"), 303)
    return render_template("accounts/two_factor_codes.html", codes=codes)


@bp.post("/account/two-factor/off")
@declare(SIGNED_IN)
@recent_authentication_required(back="accounts.two_factor_settings")
def turn_off_two_factor():
    return perform(
        lambda: two_factor.turn_off(_me(), utcnow()),
        back=url_for(".two_factor_settings"),
        success=_("Two-factor authentication is off."),
    )
