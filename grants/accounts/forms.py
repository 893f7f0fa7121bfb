"""Account forms: shape checks only; the rules themselves live in the services."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from grants.accounts.reference import LANGUAGES, time_zones
from grants.choices import country_options, options
from grants.numbers import row_id
from grants.security.passwords import MAX_PASSWORD_LENGTH

EMAIL = [DataRequired(_l("Enter your email address.")), Length(max=254)]
PASSWORD_LENGTH = Length(
    max=MAX_PASSWORD_LENGTH, message=_l("Use at most %(num)d characters.", num=MAX_PASSWORD_LENGTH)
)
NEW_PASSWORD_HELP = _l("At least 8 characters. A few unrelated words make a strong password.")
CHANGE_PASSWORD_HELP = _l(
    "At least 8 characters. A few unrelated words make a strong password. "
    "Your other signed-in devices will be signed out."
)
CHOOSE_PASSWORD = _l("Choose a password.")
TYPE_AGAIN = _l("Type the password again.")
NO_MATCH = _l("The passwords do not match.")
ENTER_NAME = _l("Enter your name.")


class RegisterForm(FlaskForm):
    full_name = StringField(_l("Full name"), [DataRequired(ENTER_NAME), Length(max=200)])
    email = EmailField(_l("Email address"), EMAIL)
    password = PasswordField(
        _l("Password"),
        [DataRequired(CHOOSE_PASSWORD), PASSWORD_LENGTH],
        description=NEW_PASSWORD_HELP,
    )
    confirm = PasswordField(
        _l("Confirm password"),
        [DataRequired(TYPE_AGAIN), EqualTo("password", NO_MATCH)],
    )


class SignInForm(FlaskForm):
    email = EmailField(_l("Email address"), EMAIL)
    password = PasswordField(_l("Password"), [DataRequired(_l("Enter your password."))])


class EmailOnlyForm(FlaskForm):
    email = EmailField(_l("Email address"), EMAIL)


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        [DataRequired(CHOOSE_PASSWORD), PASSWORD_LENGTH],
        description=NEW_PASSWORD_HELP,
    )
    confirm = PasswordField(
        _l("Confirm new password"),
        [DataRequired(TYPE_AGAIN), EqualTo("password", NO_MATCH)],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), [DataRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        [DataRequired(CHOOSE_PASSWORD), PASSWORD_LENGTH],
        description=CHANGE_PASSWORD_HELP,
    )
    confirm = PasswordField(
        _l("Confirm new password"),
        [DataRequired(TYPE_AGAIN), EqualTo("new_password", NO_MATCH)],
    )


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Full name"), [DataRequired(ENTER_NAME), Length(max=200)])
    institution_id = SelectField(_l("Institution"), coerce=row_id, validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)
    orcid = StringField(
        _l("ORCID iD"),
        [Optional(), Length(max=40)],
        description=_l("Optional. The 16-character identifier from orcid.org, e.g. 0000-0002-1825-0097."),
    )
    time_zone = SelectField(
        _l("Time zone"), validate_choice=False, description=_l("Deadlines are also shown in this zone.")
    )
    language = SelectField(_l("Language"), choices=options(LANGUAGES.items()), validate_choice=False)
    email_reminders = BooleanField(_l("Reminders before deadlines (calls closing, reviews and reports due)"))
    email_digests = BooleanField(_l("The daily digest of what is late (programme officers)"))

    def fill_choices(self, institutions) -> None:
        self.institution_id.choices = options(
            [(0, _("Not listed / none"))] + [(inst.id, inst.name) for inst in institutions]
        )
        self.country.choices = country_options()
        self.time_zone.choices = options((zone, zone.replace("_", " ")) for zone in time_zones())


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address"), EMAIL)
    message = TextAreaField(
        _l("Personal message"),
        [Optional(), Length(max=2000)],
        description=_l("Optional; included in the email."),
    )


class ConfirmForm(FlaskForm):
    """Only the CSRF token, for one-button actions (confirm an address, accept an invitation): they
    are POSTs, so a link preview or a crawler cannot act for the person. CSRFProtect checks the
    token on every POST before the view runs."""


CODE_HELP = _l("The 6-digit code from your authenticator app, or one of your recovery codes.")


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Authentication code"),
        [DataRequired(_l("Enter the code.")), Length(max=20)],
        description=CODE_HELP,
    )


class EnrolTwoFactorForm(FlaskForm):
    code = StringField(_l("Code from your app"), [DataRequired(_l("Enter the code.")), Length(max=20)])


class ConfirmIdentityForm(FlaskForm):
    password = PasswordField(_l("Password"), [DataRequired(_l("Enter your password."))])
    code = StringField(_l("Authentication code"), [Optional(), Length(max=20)], description=CODE_HELP)


class ChangeEmailForm(FlaskForm):
    new_email = EmailField(
        _l("New email address"),
        [DataRequired(_l("Enter your new email address.")), Length(max=254)],
        description=_l("We send a link to it; your address changes when you follow the link."),
    )
