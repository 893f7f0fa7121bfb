"""Forms for administrators: roles and institutions."""

from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from grants.accounts.roles import GRANTABLE_ROLES
from grants.choices import country_options


class RoleChangeForm(FlaskForm):
    role = HiddenField(validators=[AnyOf([role.value for role in GRANTABLE_ROLES])])
    action = HiddenField(validators=[AnyOf(["grant", "revoke"])])


class InstitutionForm(FlaskForm):
    # Labelled in ``fill_choices``: "Name" needs a context (an institution's, not a person's).
    name = StringField("Name", [DataRequired(_l("Enter the institution's name.")), Length(max=200)])
    country = SelectField(_l("Country"), validate_choice=False)
    email_domain = StringField(
        _l("Email domain"),
        [Optional(), Length(max=253)],
        description=_l("Optional, e.g. ed.ac.uk. New accounts with this domain are linked automatically."),
    )

    def fill_choices(self) -> None:
        self.name.label.text = pgettext("institution", "Name")
        self.country.choices = country_options()
