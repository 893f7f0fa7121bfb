"""Application forms: shape only. Every rule (limits, deadlines, eligibility) is in the services."""

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


class StartApplicationForm(FlaskForm):
    title = StringField("Project title", [DataRequired("Give the project a title."), Length(max=250)])
    country = SelectField("Your side of the partnership", [DataRequired("Choose your side.")])
    institution_id = SelectField("Your institution", [DataRequired("Choose your institution.")], coerce=int)


class DetailsForm(FlaskForm):
    version = HiddenField()
    title = StringField("Project title", [DataRequired("Give the project a title."), Length(max=250)])
    abstract = TextAreaField(
        "Abstract", [Optional()], description="Up to 500 words, for reviewers and the public."
    )
    priority_area = SelectField("Priority area", [Optional()])
    keywords = StringField(
        "Keywords", [Optional(), Length(max=500)], description="Up to 10, separated by commas."
    )
    start_date = DateField("Start date", [Optional()])
    duration_months = IntegerField("Duration (months)", [Optional(), NumberRange(1, 120)])


class InviteMemberForm(FlaskForm):
    full_name = StringField("Full name", [DataRequired("Enter their name."), Length(max=200)])
    email = EmailField("Email address", [DataRequired("Enter their email address."), Length(max=254)])
    role = SelectField("Role", [DataRequired("Choose a role.")])
    country = SelectField("Side", [DataRequired("Choose their side.")])
    institution_id = SelectField("Institution", [DataRequired("Choose their institution.")], coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = options(
            [
                (MemberRole.CO_INVESTIGATOR.value, "Co-investigator"),
                (MemberRole.LEAD.value, "Lead investigator for their side"),
            ]
        )


class BudgetLineForm(FlaskForm):
    call_funder_id = SelectField("Funder", [DataRequired("Choose a funder.")], coerce=int)
    year = SelectField("Year", [DataRequired("Choose a year.")], coerce=int)
    category = SelectField("Category", [DataRequired("Choose a category.")])
    description = StringField("Description", [DataRequired("Describe the cost."), Length(max=200)])
    amount = StringField(
        "Amount", [DataRequired("Enter the amount.")], description="In the funder's currency, like 12,500.00."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = options((key.value, label) for key, label in CATEGORY_LABELS.items())


class AttachmentForm(FlaskForm):
    kind = SelectField("Document", [DataRequired("Choose what the document is.")])
    team_member_id = SelectField("Whose CV", [Optional()])
    question_key = SelectField("Question", [Optional()])
    file = FileField("PDF file", description="PDF only, up to 10 MB.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = options((kind.value, kind.label) for kind in AttachmentKind)


class DeclarationsForm(FlaskForm):
    intellectual_property = BooleanField(DECLARATION_TEXTS[DeclarationKind.INTELLECTUAL_PROPERTY])
    ethics = BooleanField(DECLARATION_TEXTS[DeclarationKind.ETHICS])
    data_protection = BooleanField(DECLARATION_TEXTS[DeclarationKind.DATA_PROTECTION])


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", [Optional(), Length(max=2000)])
