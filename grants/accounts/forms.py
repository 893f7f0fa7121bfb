"""Account forms: shape checks only; the rules themselves live in the services."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from grants.accounts.reference import LANGUAGES, time_zones
from grants.choices import country_options, options
from grants.security.passwords import MAX_PASSWORD_LENGTH

EMAIL = [DataRequired("Enter your email address."), Length(max=254)]
PASSWORD_LENGTH = Length(max=MAX_PASSWORD_LENGTH, message=f"Use at most {MAX_PASSWORD_LENGTH} characters.")
NEW_PASSWORD_HELP = "At least 8 characters. A few unrelated words make a strong password."  # noqa: S105


class RegisterForm(FlaskForm):
    full_name = StringField("Full name", [DataRequired("Enter your name."), Length(max=200)])
    email = EmailField("Email address", EMAIL)
    password = PasswordField(
        "Password",
        [DataRequired("Choose a password."), PASSWORD_LENGTH],
        description=NEW_PASSWORD_HELP,
    )
    confirm = PasswordField(
        "Confirm password",
        [DataRequired("Type the password again."), EqualTo("password", "The passwords do not match.")],
    )


class SignInForm(FlaskForm):
    email = EmailField("Email address", EMAIL)
    password = PasswordField("Password", [DataRequired("Enter your password.")])


class EmailOnlyForm(FlaskForm):
    email = EmailField("Email address", EMAIL)


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        [DataRequired("Choose a password."), PASSWORD_LENGTH],
        description=NEW_PASSWORD_HELP,
    )
    confirm = PasswordField(
        "Confirm new password",
        [DataRequired("Type the password again."), EqualTo("password", "The passwords do not match.")],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", [DataRequired("Enter your current password.")])
    new_password = PasswordField(
        "New password",
        [DataRequired("Choose a password."), PASSWORD_LENGTH],
        description=NEW_PASSWORD_HELP + " Your other signed-in devices will be signed out.",
    )
    confirm = PasswordField(
        "Confirm new password",
        [DataRequired("Type the password again."), EqualTo("new_password", "The passwords do not match.")],
    )


class ProfileForm(FlaskForm):
    full_name = StringField("Full name", [DataRequired("Enter your name."), Length(max=200)])
    institution_id = SelectField("Institution", coerce=int, validate_choice=False)
    country = SelectField("Country", validate_choice=False)
    orcid = StringField(
        "ORCID iD",
        [Optional(), Length(max=40)],
        description="Optional. The 16-character identifier from orcid.org, e.g. 0000-0002-1825-0097.",
    )
    time_zone = SelectField(
        "Time zone", validate_choice=False, description="Deadlines are also shown in this zone."
    )
    language = SelectField("Language", choices=options(LANGUAGES.items()), validate_choice=False)
    email_reminders = BooleanField("Reminders before deadlines (calls closing, reviews and reports due)")
    email_digests = BooleanField("The daily digest of what is late (programme officers)")

    def fill_choices(self, institutions) -> None:
        self.institution_id.choices = options(
            [(0, "Not listed / none")] + [(inst.id, inst.name) for inst in institutions]
        )
        self.country.choices = country_options()
        self.time_zone.choices = options((zone, zone.replace("_", " ")) for zone in time_zones())


class InviteForm(FlaskForm):
    email = EmailField("Email address", EMAIL)
    message = TextAreaField(
        "Personal message", [Optional(), Length(max=2000)], description="Optional; included in the email."
    )


class ConfirmForm(FlaskForm):
    """Only the CSRF token, for one-button actions (confirm an address, accept an invitation): they
    are POSTs, so a link preview or a crawler cannot act for the person. CSRFProtect checks the
    token on every POST before the view runs."""
