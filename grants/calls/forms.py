"""Forms officers use to set up programmes, funders and calls: shape only; rules are in the services."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from grants.accounts.reference import time_zones
from grants.calls.questions import QuestionKind
from grants.choices import country_options, options
from grants.money import COMMON_CURRENCIES

LOCAL_TIME_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
MARKDOWN_HELP = "Markdown: **bold**, *italic*, [links](https://…), lists and ## headings."


class ProgrammeForm(FlaskForm):
    name = StringField("Programme name", [DataRequired("Enter the programme's name."), Length(max=200)])
    code = StringField(
        "Reference code",
        [DataRequired("Enter a code."), Length(max=12)],
        description="Starts every application reference, like FCP in FCP-2018-0042.",
    )
    description = TextAreaField("Description", [Optional(), Length(max=5000)])


class FunderForm(FlaskForm):
    name = StringField("Funder name", [DataRequired("Enter the funder's name."), Length(max=200)])
    short_name = StringField("Short name", [DataRequired("Enter a short name."), Length(max=40)])
    country = SelectField("Country", [DataRequired("Choose the country.")])
    currency = SelectField("Currency", [DataRequired("Choose the currency.")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_options()
        self.currency.choices = options((code, code) for code in COMMON_CURRENCIES)


class CallForm(FlaskForm):
    title = StringField("Title", [DataRequired("Enter the call's title."), Length(max=200)])
    reference_prefix = StringField(
        "Reference prefix",
        [DataRequired("Enter a prefix."), Length(max=24)],
        description="Applications are numbered from it: FCP-2018 gives FCP-2018-0001.",
    )
    summary = TextAreaField("Summary", [Optional(), Length(max=5000)], description=MARKDOWN_HELP)
    guidance = TextAreaField(
        "Guidance for applicants", [Optional(), Length(max=50000)], description=MARKDOWN_HELP
    )
    time_zone = SelectField(
        "The call's time zone",
        [DataRequired("Choose a time zone.")],
        description="Opening and closing times are in this zone.",
    )
    opens_local = DateTimeLocalField(
        "Opens", [InputRequired("Give the opening time.")], format=LOCAL_TIME_FORMAT
    )
    closes_local = DateTimeLocalField(
        "Closes", [InputRequired("Give the closing time.")], format=LOCAL_TIME_FORMAT
    )
    min_duration_months = IntegerField(
        "Shortest project (months)",
        [InputRequired("Give a number of months."), NumberRange(1, 120)],
        default=12,
    )
    max_duration_months = IntegerField(
        "Longest project (months)",
        [InputRequired("Give a number of months."), NumberRange(1, 120)],
        default=36,
    )
    reviews_required = IntegerField(
        "Reviews per application", [InputRequired("Give a number."), NumberRange(1, 10)], default=3
    )
    review_due_local = DateTimeLocalField("Reviews due", [Optional()], format=LOCAL_TIME_FORMAT)
    requires_lead_per_country = BooleanField(
        "Every application needs a lead investigator from each funder's country (bilateral call)"
    )
    double_blind = BooleanField(
        "Double-blind review",
        description="Reviewers see proposals without the team's names, institutions or contact details. "
        "Applicants are told to keep their documents anonymous.",
    )
    invites_bids = BooleanField(
        "Invite reviewers to bid",
        description="After the call closes, reviewers say which proposals they are eager, willing or "
        "not willing to review; the automatic assignment takes it into account.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = options((zone, zone.replace("_", " ")) for zone in time_zones())


class CallFunderForm(FlaskForm):
    funder_id = SelectField("Funder", [DataRequired("Choose a funder.")], coerce=int)
    envelope = StringField(
        "Budget envelope",
        [DataRequired("Enter the envelope.")],
        description="In the funder's currency, like 2,000,000.",
    )
    max_request = StringField("Most one application may ask for", [DataRequired("Enter the maximum.")])


class PriorityAreasForm(FlaskForm):
    priority_areas = TextAreaField(
        "Priority areas",
        [Optional(), Length(max=4000)],
        description="One per line, in the order applicants should see them.",
    )


class CriterionForm(FlaskForm):
    name = StringField("Criterion", [DataRequired("Name the criterion."), Length(max=120)])
    guidance = TextAreaField("Guidance for reviewers", [Optional(), Length(max=5000)])
    weight = IntegerField(
        "Weight",
        [InputRequired("Give a weight."), NumberRange(1, 100)],
        default=1,
        description="Relative share of the overall score.",
    )
    scale_min = IntegerField("Lowest score", [InputRequired("Give the lowest score.")], default=1)
    scale_max = IntegerField("Highest score", [InputRequired("Give the highest score.")], default=5)


class QuestionForm(FlaskForm):
    kind = SelectField("Kind of answer", [DataRequired("Choose the kind of answer.")])
    label = StringField("Question", [DataRequired("Write the question."), Length(max=300)])
    help_text = TextAreaField("Help text", [Optional(), Length(max=2000)])
    required = BooleanField("An answer is required", default=True)
    word_limit = IntegerField("Word limit", [Optional(), NumberRange(1, 5000)], description="Long text only.")
    max_length = IntegerField(
        "Character limit", [Optional(), NumberRange(1, 20000)], description="Text only."
    )
    min_value = IntegerField("Smallest number", [Optional()], description="Number only.")
    max_value = IntegerField("Largest number", [Optional()], description="Number only.")
    options = TextAreaField(
        "Options", [Optional(), Length(max=5000)], description="Choices only: one per line."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = options((kind.value, kind.label) for kind in QuestionKind)


class CallFilterForm(FlaskForm):
    """The public list's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    priority_area = SelectField("Priority area", [Optional()])
    funder = SelectField("Funder", [Optional()])
    country = SelectField("Country", [Optional()])
