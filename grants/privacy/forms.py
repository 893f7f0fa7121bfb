"""The administrator's confirmation before erasing a person."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class EraseForm(FlaskForm):
    confirm_email = StringField(
        _l("Their email address"),
        [DataRequired(_l("Type the person's email address to confirm.")), Length(max=254)],
        description=_l("Type it in full: erasure cannot be undone."),
    )
