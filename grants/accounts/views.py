"""Registration, sign-in, password reset, profile and invitations."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from grants.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    EmailOnlyForm,
    InviteForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    SignInForm,
)
from grants.accounts.roles import Role
from grants.accounts.services import invitations, passwords, registration, sessions
from grants.accounts.services.institutions import list_institutions
from grants.accounts.services.profile import update_profile
from grants.errors import DomainError, InvalidToken
from grants.extensions import limiter
from grants.security.passwords import MIN_PASSWORD_LENGTH
from grants.security.policy import PUBLIC, SIGNED_IN, STAFF, declare
from grants.security.rate_limits import (
    account_email_limit,
    failed_attempt,
    sign_in_account_key,
    sign_in_account_limit,
    sign_in_address_limit,
)
from grants.web import attach_error, client_address, flash_success, render_form, safe_next

bp = Blueprint("accounts", __name__)


@bp.route("/register", methods=["GET", "POST"])
@declare(PUBLIC)
@limiter.limit(account_email_limit, methods=["POST"], deduct_when=lambda r: r.status_code < 400)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = registration.register_user(
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                language=browser_language(),
            )
        except DomainError as error:
            return render_form("accounts/register.html", form, attach_error(form, error))
        session["registered_email"] = user.email
        return redirect(url_for(".registered"))
    return render_form("accounts/register.html", form, min_length=MIN_PASSWORD_LENGTH)


def browser_language() -> str:
    return "zh_Hans" if request.accept_languages.best_match(["en", "zh"]) == "zh" else "en"


@bp.get("/register/check-your-email")
@declare(PUBLIC)
def registered():
    return render_template(
        "accounts/registered.html", email=session.get("registered_email"), form=EmailOnlyForm()
    )


@bp.get("/verify/<token>")
@declare(PUBLIC)
def verify_email(token: str):
    return render_template("accounts/verify.html", token=token, form=AcceptInvitationForm())


@bp.post("/verify/<token>")
@declare(PUBLIC)
def confirm_email(token: str):
    form = AcceptInvitationForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        registration.verify_email(token)
    except InvalidToken as error:
        return render_template("accounts/link_problem.html", message=error.message, resend=True), 400
    flash_success("Your email address is confirmed.")
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    flash("You can sign in now.", "info")
    return redirect(url_for(".sign_in"))


@bp.post("/verify/resend")
@declare(PUBLIC)
@limiter.limit(account_email_limit)
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        registration.resend_verification(form.email.data)
        flash_success("If an unconfirmed account uses that address, we have sent it a new link.")
        return redirect(url_for(".sign_in"))
    flash("Enter the email address you registered with.", "error")
    return redirect(url_for(".sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"])
@declare(PUBLIC)
@limiter.limit(sign_in_account_limit, key_func=sign_in_account_key, methods=["POST"],
               deduct_when=failed_attempt, scope="sign-in-account")
@limiter.limit(sign_in_address_limit, methods=["POST"], deduct_when=failed_attempt,
               scope="sign-in-address")
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = SignInForm()
    unverified = False
    if form.validate_on_submit():
        try:
            user = sessions.authenticate(form.email.data, form.password.data)
        except sessions.EmailNotVerified as error:
            unverified = True
            status = attach_error(form, error)
        except DomainError as error:
            status = attach_error(form, error)
        else:
            session.clear()  # nothing from before sign-in survives (session fixation)
            sessions.start_session(
                user, user_agent=request.user_agent.string, ip_address=client_address()
            )
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("core.home"))
        return render_form("accounts/sign_in.html", form, status, unverified=unverified,
                           resend_form=EmailOnlyForm(email=form.email.data))
    return render_form("accounts/sign_in.html", form, unverified=False, resend_form=None)


@bp.post("/sign-out")
@declare(SIGNED_IN)
def sign_out():
    form = AcceptInvitationForm()
    if not form.validate_on_submit():
        abort(400)
    sessions.end_session(current_user, current_user.current_session_token)
    logout_user()
    session.clear()
    flash_success("You have signed out.")
    return redirect(url_for("core.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@declare(PUBLIC)
@limiter.limit(account_email_limit, methods=["POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        passwords.request_password_reset(form.email.data)
        minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60)
        flash_success(
            f"If an account uses {form.email.data}, we have emailed it a link to reset the "
            f"password. The link works once, for {minutes} minutes."
        )
        return redirect(url_for(".sign_in"))
    return render_form("accounts/forgot_password.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@declare(PUBLIC)
def reset_password(token: str):
    try:
        passwords.user_for_reset_token(token)
    except InvalidToken as error:
        return render_template("accounts/link_problem.html", message=error.message, reset=True), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.reset_password(token, form.password.data)
        except DomainError as error:
            return render_form("accounts/reset_password.html", form, attach_error(form, error))
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash_success("Your password has been changed. Sign in with your new password.")
        return redirect(url_for(".sign_in"))
    return render_form("accounts/reset_password.html", form)


@bp.route("/profile", methods=["GET", "POST"])
@declare(SIGNED_IN)
def profile():
    form = _profile_form(from_request=request.method == "POST")
    password_form = ChangePasswordForm(prefix="pw", formdata=None)
    if form.validate_on_submit():
        try:
            changes = update_profile(
                current_user,
                full_name=form.full_name.data,
                institution_id=form.institution_id.data,
                country=form.country.data,
                orcid=form.orcid.data,
                time_zone=form.time_zone.data,
                language=form.language.data,
            )
        except DomainError as error:
            status = attach_error(form, error)
            return render_form("accounts/profile.html", form, status, password_form=password_form)
        flash_success("Your profile has been saved." if changes else "Nothing changed.")
        return redirect(url_for(".profile"))
    return render_form("accounts/profile.html", form, password_form=password_form)


@bp.post("/profile/password")
@declare(SIGNED_IN)
def change_password():
    password_form = ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            ended = passwords.change_password(
                current_user,
                password_form.current_password.data,
                password_form.new_password.data,
                keep_token=current_user.current_session_token,
            )
        except DomainError as error:
            attach_error(password_form, error)
        else:
            signed_out = f" {ended} other signed-in session(s) were signed out." if ended else ""
            flash_success("Your password has been changed." + signed_out)
            return redirect(url_for(".profile"))
    return render_form(
        "accounts/profile.html", _profile_form(from_request=False), 422, password_form=password_form
    )


def _profile_form(*, from_request: bool) -> ProfileForm:
    """The profile form, from the posted data or (when showing the page) from the account."""
    form = ProfileForm() if from_request else ProfileForm(formdata=None, obj=current_user)
    form.fill_choices(list_institutions())
    if not from_request:
        form.institution_id.data = current_user.institution_id or 0
        form.country.data = current_user.country or ""
    return form


@bp.get("/invitations/<token>")
@declare(PUBLIC)
def invitation(token: str):
    try:
        found = invitations.find_live_invitation(token)
    except InvalidToken as error:
        return render_template("accounts/link_problem.html", message=error.message), 400
    return render_template(
        "accounts/invitation.html", invitation=found, role=Role(found.role), form=AcceptInvitationForm()
    )


@bp.post("/invitations/<token>")
@declare(SIGNED_IN)
def accept_invitation(token: str):
    form = AcceptInvitationForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        accepted = invitations.accept_invitation(current_user, token)
    except InvalidToken as error:
        return render_template("accounts/link_problem.html", message=error.message), 400
    flash_success(f"Welcome: you are now a {Role(accepted.role).label.lower()}.")
    return redirect(url_for("core.home"))


@bp.route("/reviewers/invite", methods=["GET", "POST"])
@declare(STAFF)
def invite_reviewer():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitations.invite_to_role(
                current_user, email=form.email.data, role=Role.REVIEWER, message=form.message.data
            )
        except DomainError as error:
            status = attach_error(form, error)
            return render_form("accounts/invite_reviewer.html", form, status,
                               invitations=invitations.recent_invitations())
        flash_success(f"Invitation sent to {form.email.data}.")
        return redirect(url_for(".invite_reviewer"))
    return render_form("accounts/invite_reviewer.html", form, invitations=invitations.recent_invitations())
