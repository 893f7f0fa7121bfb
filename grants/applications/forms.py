"""Application forms: shape only. Every rule (limits, deadlines, eligibility) is in the services."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from grants.applications.models import AttachmentKind, DeclarationKind, MemberRole
from grants.applications.services.budget import CATEGORY_LABELS
from grants.applications.services.declarations import DECLARATION_TEXTS
from grants.choices import options
from grants.numbers import row_id


class StartApplicationForm(FlaskForm):
    title = StringField(_l("Project title"), [DataRequired(_l("Give the project a title.")), Length(max=250)])
    country = SelectField(_l("Your side of the partnership"), [DataRequired(_l("Choose your side."))])
    institution_id = SelectField(
        _l("Your institution"), [DataRequired(_l("Choose your institution."))], coerce=row_id
    )


class DetailsForm(FlaskForm):
    version = HiddenField()
    title = StringField(_l("Project title"), [DataRequired(_l("Give the project a title.")), Length(max=250)])
    abstract = TextAreaField(
        _l("Abstract"), [Optional()], description=_l("Up to 500 words, for reviewers and the public.")
    )
    priority_area = SelectField(_l("Priority area"), [Optional()])
    keywords = StringField(
        _l("Keywords"), [Optional(), Length(max=500)], description=_l("Up to 10, separated by commas.")
    )
    start_date = DateField(_l("Start date"), [Optional()])
    duration_months = IntegerField(_l("Duration (months)"), [Optional(), NumberRange(1, 120)])


class InviteMemberForm(FlaskForm):
    full_name = StringField(_l("Full name"), [DataRequired(_l("Enter their name.")), Length(max=200)])
    email = EmailField(_l("Email address"), [DataRequired(_l("Enter their email address.")), Length(max=254)])
    role = SelectField(_l("Role"), [DataRequired(_l("Choose a role."))])
    country = SelectField(_l("Side"), [DataRequired(_l("Choose their side."))])
    institution_id = SelectField(
        _l("Institution"), [DataRequired(_l("Choose their institution."))], coerce=row_id
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = options(
            [
                (MemberRole.CO_INVESTIGATOR.value, _("Co-investigator")),
                (MemberRole.LEAD.value, _("Lead investigator for their side")),
            ]
        )


class BudgetLineForm(FlaskForm):
    call_funder_id = SelectField(_l("Funder"), [DataRequired(_l("Choose a funder."))], coerce=row_id)
    year = SelectField(_l("Year"), [DataRequired(_l("Choose a year."))], coerce=int)
    category = SelectField(_l("Category"), [DataRequired(_l("Choose a category."))])
    description = StringField(_l("Description"), [DataRequired(_l("Describe the cost.")), Length(max=200)])
    amount = StringField(
        _l("Amount"),
        [DataRequired(_l("Enter the amount."))],
        description=_l("In the funder's currency, like 12,500.00."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = options((key.value, label) for key, label in CATEGORY_LABELS.items())


class AttachmentForm(FlaskForm):
    kind = SelectField(_l("Document"), [DataRequired(_l("Choose what the document is."))])
    team_member_id = SelectField(_l("Whose CV"), [Optional()])
    question_key = SelectField(_l("Question"), [Optional()])
    file = FileField(_l("PDF file"), description=_l("PDF only, up to 10 MB."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = options((kind.value, kind.label) for kind in AttachmentKind)


class DeclarationsForm(FlaskForm):
    intellectual_property = BooleanField(DECLARATION_TEXTS[DeclarationKind.INTELLECTUAL_PROPERTY])
    ethics = BooleanField(DECLARATION_TEXTS[DeclarationKind.ETHICS])
    data_protection = BooleanField(DECLARATION_TEXTS[DeclarationKind.DATA_PROTECTION])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), [Optional(), Length(max=2000)])
